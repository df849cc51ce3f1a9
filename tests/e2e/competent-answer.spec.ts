import { expect, test } from "@playwright/test";
import { E2E_SIP_PORT } from "../../playwright.config";
import { runSipp } from "../support/sipp";
import { TrunkMedia } from "../support/trunk-media";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { WorkspacePanels } from "./pages/workspace-panels";
import { cli, USERS } from "./support/cli";

test("from greeting to wrap-up on the desk: filled script, caller history, prepared answers in French and Arabic, a specialist by competence, Done makes the operator available at once and the record has the wrap-up", async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  await cli("org", "set", "--name", "Acme Retail", "--country", "FR");
  await cli("queue", "add", "Help");
  await cli("number", "add", "2400", "--queue", "Help");
  await cli("queue", "member", "Help", USERS.operator.username);
  // A wrap-up of a minute: only Done can make the operator available within the 5 s this test allows.
  await cli("queue", "set", "Help", "--wrap-up", "60");
  await cli("topic", "add", "Help", "Refunds");
  await cli("topic", "add", "Help", "Delivery");
  await cli("answer", "add", "--topic", "Remboursements", "--question", "Comment être remboursé après un retour ?", "--answer", "Sous cinq jours ouvrés, sur le moyen de paiement d'origine.", "--queue", "Help", "--lang", "fr");
  await cli("answer", "add", "--topic", "الاسترداد", "--question", "كيف أسترد ثمن المنتج؟", "--answer", "خلال خمسة أيام عمل.", "--lang", "ar");
  await cli("answer", "add", "--topic", "Delivery", "--question", "Where is my parcel?", "--answer", "Give the tracking number.");
  await cli("directory", "add", "--name", "Claire Martin", "--phone", "+33140000000", "--competence", "refunds,invoices");
  await cli("directory", "add", "--name", "Paul Durand", "--phone", "+33140000001", "--competence", "deliveries");

  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(page);
  const panels = new WorkspacePanels(page);
  await expect(desk.callState()).toHaveText("idle");

  // An earlier call from the same number, while the operator was not ready: the caller gave up waiting.
  const earlier = await runSipp("caller-hangs-up-while-queued.xml", `127.0.0.1:${E2E_SIP_PORT}`, { service: "2400", holdMs: 2000, timeoutS: 30 });
  expect(earlier.code, earlier.stdout.slice(-1500) + earlier.stderr).toBe(0);

  await desk.goAvailable();
  const trunk = new TrunkMedia();
  const trunkPort = await trunk.start();
  const sipp = runSipp("answered-call-test-media-operator-hangs-up.xml", `127.0.0.1:${E2E_SIP_PORT}`, {
    service: "2400",
    timeoutS: 100,
    extra: ["-key", "trunk_rtp_port", String(trunkPort)],
  });

  // It rings: the script of the queue, filled with the organisation's and the operator's names, and the history.
  await expect(desk.incomingCall()).toBeVisible({ timeout: 20_000 });
  await expect(panels.script()).toContainText("Acme Retail");
  await expect(panels.script()).toContainText(USERS.operator.username);
  await expect(panels.script()).toContainText("How can I help you?");
  // (Other tests' calls from this number, in other queues olga serves, may be listed too.)
  await expect(panels.historyRowsOf("Help")).toHaveCount(1);
  await desk.answer();

  // Prepared answers by a word of the question: French with its accent, then Arabic.
  const french = await panels.searchAnswers("remboursé");
  await expect(french).toHaveCount(1);
  await expect(french.first()).toContainText("Comment être remboursé après un retour ?");
  const frenchId = await french.first().getAttribute("data-answer-id");
  await french.first().getByTestId("answer-used").click();
  await expect(french.first().getByTestId("answer-used")).toBeDisabled();
  const arabic = await panels.searchAnswers("أسترد");
  await expect(arabic).toHaveCount(1);
  await expect(arabic.first()).toContainText("خلال خمسة أيام عمل.");

  // A specialist by competence.
  const people = await panels.searchDirectory("refunds");
  await expect(people).toHaveCount(1);
  await expect(people.first()).toContainText("Claire Martin");
  await expect(people.first().locator('a[href="tel:+33140000000"]')).toBeVisible();
  // Colleagues on the hotline appear too, with their live state: olga herself is on this call.
  await panels.searchDirectory(USERS.operator.username);
  const colleague = page.getByTestId("directory-colleague").filter({ hasText: USERS.operator.username });
  await expect(colleague.getByTestId("colleague-status")).toHaveAttribute("data-status", "on-call");

  // Hang up, wrap up, Done: available at once (the queue's wrap-up would last a minute).
  await desk.hangup();
  await expect(desk.operatorStatus()).toHaveText("wrap-up");
  await expect(page.getByTestId("wrap-up-answers")).toHaveText(`#${frenchId}`);
  await panels.wrapUp({ topic: "Refunds", outcome: "answered-on-the-spot", notes: "Will bring the receipt on Monday." });
  await expect(desk.operatorStatus()).toHaveText("available", { timeout: 5_000 });
  await expect(page.getByTestId("wrap-up")).toHaveCount(0);
  const result = await sipp;
  expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
  await trunk.stop();

  // The record has the wrap-up.
  const supervisor = await browser.newContext();
  const board = await supervisor.newPage();
  await new LoginPage(board).loginAs(USERS.supervisor.username, USERS.supervisor.password);
  const [call] = await (await board.request.get("/api/calls?limit=1")).json();
  expect(call).toMatchObject({
    callerNumber: "+15550001111",
    dialedNumber: "2400",
    outcome: "answered",
    topic: "Refunds",
    outcomeDetail: "answered-on-the-spot",
    notes: "Will bring the receipt on Monday.",
  });
  await supervisor.close();
});

test("a wrap-up form half filled survives a reload of the desk, and Done then saves it", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await cli("queue", "add", "Reload");
  await cli("number", "add", "2410", "--queue", "Reload");
  await cli("queue", "member", "Reload", USERS.operator.username);
  await cli("queue", "set", "Reload", "--wrap-up", "60", "--wrap-up-extend", "30");
  await cli("topic", "add", "Reload", "Invoices");

  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(page);
  await desk.goAvailable();
  const trunk = new TrunkMedia();
  const trunkPort = await trunk.start();
  const sipp = runSipp("answered-call-test-media-operator-hangs-up.xml", `127.0.0.1:${E2E_SIP_PORT}`, {
    service: "2410",
    timeoutS: 60,
    extra: ["-key", "trunk_rtp_port", String(trunkPort)],
  });
  await expect(desk.incomingCall()).toBeVisible({ timeout: 20_000 });
  await desk.answer();
  await desk.hangup();
  expect((await sipp).code).toBe(0);
  await trunk.stop();

  // Extended once (the queue allows 30 s more): the button is then spent.
  await page.getByTestId("wrap-up-extend").click();
  await expect(page.getByTestId("wrap-up-extend")).toBeDisabled();
  await page.getByTestId("wrap-up-topic").selectOption({ label: "Invoices" });
  // The draft with the notes is kept on the server (a server action POST to /desk), then the page reloads.
  const kept = page.waitForResponse(
    (response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/desk" && (response.request().postData() ?? "").includes("duplicate invoice"),
  );
  await page.getByTestId("wrap-up-notes").fill("Asked for a duplicate invoice");
  await kept;
  await page.reload();
  await expect(page.getByTestId("wrap-up-notes")).toHaveValue("Asked for a duplicate invoice");
  await expect(page.getByTestId("wrap-up-topic")).toHaveValue("Invoices");
  await page.getByTestId("wrap-up-outcome").selectOption("information-emailed");
  await page.getByTestId("wrap-up-done").click();
  await expect(page.getByTestId("wrap-up")).toHaveCount(0);

  const supervisor = await browser.newContext();
  const board = await supervisor.newPage();
  await new LoginPage(board).loginAs(USERS.supervisor.username, USERS.supervisor.password);
  const [call] = await (await board.request.get("/api/calls?limit=1")).json();
  expect(call).toMatchObject({ dialedNumber: "2410", topic: "Invoices", outcomeDetail: "information-emailed", notes: "Asked for a duplicate invoice" });
  await supervisor.close();
});

test("workspace: fits a 1366x768 screen, the microphone meter moves, auto-answer picks up after a beep, Alt+H hangs up, Ctrl+Enter submits the wrap-up, and ? lists the shortcuts", async ({ page }) => {
  test.setTimeout(120_000);
  await cli("queue", "add", "Auto");
  await cli("number", "add", "2420", "--queue", "Auto");
  await cli("queue", "member", "Auto", USERS.operator.username);
  await cli("queue", "set", "Auto", "--wrap-up", "60");

  // A 1366x768 laptop screen: the workspace fits its width (no sideways scrolling).
  await page.setViewportSize({ width: 1366, height: 768 });
  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(page);
  await expect(page.getByTestId("answers-search")).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
  await page.locator("summary", { hasText: "Audio devices" }).click();
  await page.getByTestId("test-microphone").click();
  // Chromium's fake microphone plays a beep: the meter leaves zero.
  await expect.poll(async () => Number(await page.getByTestId("microphone-level").getAttribute("data-level")), { timeout: 10_000 }).toBeGreaterThan(0);
  await page.getByTestId("test-microphone").click();
  await page.getByTestId("auto-answer").check();

  await page.keyboard.press("?");
  await expect(page.getByTestId("shortcut-help")).toBeVisible();
  await expect(page.getByTestId("shortcut-help")).toContainText("Alt+H");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("shortcut-help")).toHaveCount(0);

  await desk.goAvailable();
  const trunk = new TrunkMedia();
  const trunkPort = await trunk.start();
  const sipp = runSipp("answered-call-test-media-operator-hangs-up.xml", `127.0.0.1:${E2E_SIP_PORT}`, {
    service: "2420",
    timeoutS: 60,
    extra: ["-key", "trunk_rtp_port", String(trunkPort)],
  });
  // Nobody clicks Answer.
  await expect(desk.callState()).toHaveText("talking", { timeout: 25_000 });
  await page.keyboard.press("Alt+KeyH");
  await expect(desk.callState()).toHaveText("idle");
  expect((await sipp).code).toBe(0);
  await trunk.stop();
  await page.getByTestId("wrap-up-outcome").selectOption("could-not-help");
  await page.keyboard.press("Control+Enter");
  await expect(desk.operatorStatus()).toHaveText("available", { timeout: 5_000 });
  // Auto-answer stays the operator's choice after a reload (kept on the server).
  await page.reload();
  await page.locator("summary", { hasText: "Audio devices" }).click();
  await expect(page.getByTestId("auto-answer")).toBeChecked();
  await page.getByTestId("auto-answer").uncheck();
});
