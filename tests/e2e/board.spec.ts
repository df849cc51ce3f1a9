import { expect, test } from "@playwright/test";
import { E2E_SIP_PORT } from "../../playwright.config";
import { runSipp } from "../support/sipp";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

/** The seconds a `m:ss` clock shows. */
const seconds = (text: string | null) => {
  const [m, s] = (text ?? "0:00").split(":").map(Number);
  return m! * 60 + s!;
};

test("the board's queues panel shows callers waiting with ticking waits, then the answer and the abandon in today's figures, and its charts", async ({ browser }) => {
  test.setTimeout(120_000);
  await cli("queue", "add", "Helpline");
  await cli("number", "add", "3100", "--queue", "Helpline");
  await cli("queue", "member", "Helpline", USERS.operator.username);

  const supervisor = await browser.newContext();
  const board = await supervisor.newPage();
  await new LoginPage(board).loginAs(USERS.supervisor.username, USERS.supervisor.password);
  await board.goto("/board");
  const panel = board.getByTestId("queue-panel").and(board.locator('[data-queue="Helpline"]'));
  await expect(panel.getByTestId("queue-waiting")).toHaveText("0");
  await expect(panel.getByTestId("queue-service-level")).toHaveText("–");

  // The operator opens the desk but is not ready: callers wait.
  const operator = await browser.newContext();
  const deskPage = await operator.newPage();
  await new LoginPage(deskPage).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(deskPage);
  await desk.goto();
  await expect(deskPage.getByTestId("sip-registration")).toHaveText("registered", { timeout: 15_000 });

  const target = `127.0.0.1:${E2E_SIP_PORT}`;
  const first = runSipp("caller-hangs-up-after-answer.xml", target, { service: "3100", holdMs: 15_000, timeoutS: 60 });
  await expect(panel.getByTestId("queue-waiting")).toHaveText("1", { timeout: 15_000 });
  const second = runSipp("caller-hangs-up-while-queued.xml", target, { service: "3100", holdMs: 10_000, timeoutS: 60 });
  await expect(panel.getByTestId("queue-waiting")).toHaveText("2", { timeout: 15_000 });
  await expect(panel.getByTestId("waiting-caller")).toHaveCount(2);
  await expect(board.getByTestId("queue-alert").and(board.locator('[data-kind="nobody-available"]'))).toBeVisible();

  // The waits tick on the board without any message from the server.
  const wait = panel.getByTestId("waiting-caller").first().getByTestId("waiting-time");
  const before = seconds(await wait.textContent());
  await expect.poll(async () => seconds(await wait.textContent()), { timeout: 5_000 }).toBeGreaterThanOrEqual(before + 2);
  await expect.poll(async () => seconds(await panel.getByTestId("queue-longest-wait").textContent())).toBeGreaterThanOrEqual(before + 2);

  // The first caller is answered; the second gives up after 10 s (not a short abandon).
  await deskPage.getByTestId("status-available").click();
  await expect(desk.incomingCall()).toBeVisible({ timeout: 20_000 });
  await desk.answer();
  await expect(panel.getByTestId("live-call")).toHaveCount(1);
  await expect(panel.getByTestId("live-call").getByTestId("listen")).toBeVisible();
  await expect(panel.getByTestId("live-call").getByTestId("whisper")).toBeVisible();
  await expect(panel.getByTestId("live-call").getByTestId("barge")).toBeVisible();
  await expect(panel.getByTestId("queue-answered")).toHaveText("1");
  await expect(panel.getByTestId("queue-waiting")).toHaveText("1");

  expect((await second).code).toBe(0);
  await expect(panel.getByTestId("queue-abandoned")).toHaveText("1", { timeout: 10_000 });
  await expect(panel.getByTestId("queue-waiting")).toHaveText("0");
  // One answered within 20 s, one abandon: 1 / (1 + 1).
  await expect(panel.getByTestId("queue-service-level")).toHaveText("50%");
  await expect(board.getByTestId("queue-alert")).toHaveCount(0);

  expect((await first).code).toBe(0);
  await expect(panel.getByTestId("live-call")).toHaveCount(0, { timeout: 10_000 });

  // The supervisor sends the operator to lunch from the board, with a reason (after her wrap-up if she is in one).
  const olgaRow = board.getByTestId(/^operator-row-/).filter({ hasText: USERS.operator.username });
  await olgaRow.getByTestId("operator-actions").locator("summary").click();
  await olgaRow.getByTestId("operator-action-pause-reason").selectOption("lunch");
  await olgaRow.getByTestId("operator-action-note").fill("after a long call");
  await olgaRow.getByTestId("operator-action-submit").click();
  await expect(olgaRow.getByTestId("operator-action-result")).toHaveText("Done.");
  await expect(olgaRow.getByTestId("operator-row-status")).toHaveAttribute("data-status", "paused", { timeout: 30_000 });

  // The charts load on demand: three figures, each with its data table.
  await panel.locator("summary").click();
  const charts = panel.getByTestId("queue-charts");
  await expect(charts.locator("figure")).toHaveCount(3);
  await expect(charts.locator("canvas")).toHaveCount(3);
  // The calls chart's data table: two offered today in all (slot by slot).
  const offeredCells = charts.getByTestId("chart-data").first().locator("tbody tr td:nth-of-type(1)");
  await expect.poll(async () => (await offeredCells.allTextContents()).reduce((sum, text) => sum + Number(text), 0)).toBe(2);

  // The wallboard shows the same figures to a supervisor.
  await board.goto("/wallboard");
  const wall = board.getByTestId("queue-panel").and(board.locator('[data-queue="Helpline"]'));
  await expect(wall.getByTestId("queue-waiting")).toHaveText("0");
  await expect(wall.getByTestId("queue-service-level")).toHaveText("50%");

  await Promise.all([supervisor.close(), operator.close()]);
});

test("a wallboard account opens the wallboard and nothing else", async ({ page }) => {
  await cli("user", "add", "tv1", "--role", "wallboard", "--password", "tv1-password-123");
  await new LoginPage(page).loginAs("tv1", "tv1-password-123");
  await expect(page).toHaveURL(/\/wallboard$/);
  await expect(page.getByTestId("wallboard")).toBeVisible();
  await expect(page.getByTestId("queue-panel").first().getByTestId("queue-service-level")).toBeVisible();
  for (const path of ["/board", "/desk", "/admin/users"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
  }
});
