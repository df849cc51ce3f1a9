import { expect, test } from "@playwright/test";
import { E2E_ADMIN, E2E_OUTBOUND_PORT } from "../../playwright.config";
import { startSippProvider } from "../integration/telephony/sipp-provider";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

test("an administrator keeps the outbound allow-list: a malformed pattern is refused with the reason, a good one listed", async ({ page }) => {
  await new LoginPage(page).loginAs(E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto("/admin/outbound");
  await page.getByTestId("pattern-input").fill("0*1");
  await page.getByTestId("allow-pattern").click();
  await expect(page.getByText("not a valid pattern")).toBeVisible();
  await expect(page.getByTestId("pattern-input")).toHaveValue("0*1");
  await page.getByTestId("pattern-input").fill("0[1-9]*");
  await page.getByTestId("allow-pattern").click();
  await expect(page.getByTestId("form-notice")).toBeVisible();
  await expect(page.getByTestId("outbound-pattern-row").filter({ hasText: "0[1-9]*" })).toHaveCount(1);
  expect(await cli("outbound", "list")).toContain("0[1-9]*");
});

test("the dial pad calls a number through the trunk (audio both ways in the browser), wrap-up filed on the outbound record after it, and refuses a number outside the allow-list", async ({ page }) => {
  test.setTimeout(90_000);
  // Allowed by the administrator's test above, or here when this test runs alone.
  await cli("outbound", "allow", "0[1-9]*");
  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(page);
  await desk.goAvailable();

  // International: refused by the toll-fraud guard, with the reason on the desk; the operator stays available.
  await page.getByTestId("dial-number").fill("00 1 212 555 0100");
  await page.getByTestId("dial").click();
  await expect(page.getByTestId("dial-failure")).toHaveAttribute("data-failure", "refused");
  await expect(desk.callState()).toHaveText("idle");
  await expect(desk.operatorStatus()).toHaveText("available");

  // SIPp answers after a digest challenge and echoes the browser's audio back (-rtp_echo).
  const sipp = await startSippProvider("provider-answers-outbound-after-401-operator-hangs-up.xml", "UDP", { port: E2E_OUTBOUND_PORT, extra: ["-rtp_echo"] });
  await page.getByTestId("dial-number").fill("01 42 00 00 00");
  await page.getByTestId("dial").click();
  await expect(desk.callState()).toHaveText("talking", { timeout: 15_000 });
  await expect(page.getByTestId("caller-number")).toHaveText("01 42 00 00 00");
  // Paused for the queues during the call.
  await expect(desk.operatorStatus()).toHaveText("paused");
  // The browser's microphone goes out through rtpengine as plain RTP and comes back: packets both ways.
  await expect.poll(async () => (await desk.audioStats()).packetsReceived, { timeout: 15_000 }).toBeGreaterThan(50);
  expect((await desk.audioStats()).packetsSent).toBeGreaterThan(50);

  await desk.hangup();
  const result = await sipp.done;
  expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
  // After-call work, as after an inbound call: wrap-up, and the form for the outbound call's record; Done ends it.
  await expect(desk.operatorStatus()).toHaveText("wrap-up");
  await expect(page.getByTestId("wrap-up")).toContainText("01 42 00 00 00".replace(/ /g, ""));
  await page.getByTestId("wrap-up-outcome").selectOption("callback-promised");
  await page.getByTestId("wrap-up-notes").fill("Will call back with the quote.");
  await page.getByTestId("wrap-up-done").click();
  await expect(desk.operatorStatus()).toHaveText("available", { timeout: 5_000 });
  await expect(page.getByTestId("wrap-up")).toHaveCount(0);
  const [call] = await (await page.request.get("/api/calls?limit=1")).json();
  expect(call).toMatchObject({ direction: "outbound", dialedNumber: "0142000000", outcome: "answered", outcomeDetail: "callback-promised", notes: "Will call back with the quote." });
});
