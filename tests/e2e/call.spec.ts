import { expect, test } from "@playwright/test";
import { E2E_SIP_PORT } from "../../playwright.config";
import { runSipp } from "../support/sipp";
import { TrunkMedia } from "../support/trunk-media";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

test("a caller on the SIP trunk talks to an operator in the browser, audio both ways, and the call is recorded", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await cli("queue", "add", "Sales");
  await cli("number", "add", "2000", "--queue", "Sales");
  await cli("queue", "member", "Sales", USERS.operator.username);

  // A supervisor watches the board while the operator gets ready.
  const supervisor = await browser.newContext();
  const board = await supervisor.newPage();
  await new LoginPage(board).loginAs(USERS.supervisor.username, USERS.supervisor.password);
  const olgaOnBoard = board.getByTestId(/^operator-row-/).filter({ hasText: USERS.operator.username }).getByTestId("operator-row-status");

  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(page);
  await expect(desk.callState()).toHaveText("idle");
  await expect(olgaOnBoard).toHaveAttribute("data-status", "paused");
  await desk.goAvailable();
  await expect(olgaOnBoard).toHaveAttribute("data-status", "available");

  const trunk = new TrunkMedia();
  const trunkPort = await trunk.start();
  const sipp = runSipp("answered-call-test-media-operator-hangs-up.xml", `127.0.0.1:${E2E_SIP_PORT}`, {
    service: "2000",
    timeoutS: 90,
    extra: ["-key", "trunk_rtp_port", String(trunkPort)],
  });

  await expect(desk.incomingCall()).toBeVisible({ timeout: 20_000 });
  await expect(desk.incomingCall()).toContainText("+15550001111");
  await expect(desk.callState()).toHaveText("ringing");
  // While it rings, the caller hears the greeting and music from rtpengine.
  await expect.poll(() => trunk.received, { timeout: 10_000 }).toBeGreaterThan(20);
  await page.waitForTimeout(1500); // a wait that the record must show
  await expect(olgaOnBoard).toHaveAttribute("data-status", "offered");
  await desk.answer();
  await expect(olgaOnBoard).toHaveAttribute("data-status", "on-call");

  // The caller's tone arrives in the browser ...
  await expect.poll(async () => (await desk.audioStats()).packetsReceived, { timeout: 15_000 }).toBeGreaterThan(100);
  const first = await desk.audioStats();
  await page.waitForTimeout(1000);
  expect((await desk.audioStats()).packetsReceived).toBeGreaterThan(first.packetsReceived + 25);
  // ... and the browser's microphone (Chromium's fake beep) reaches the trunk, changing as a voice does.
  trunk.reset();
  await expect.poll(() => trunk.received, { timeout: 10_000 }).toBeGreaterThan(50);
  expect(trunk.distinctPayloads.size).toBeGreaterThan(5);
  await page.waitForTimeout(1000);

  await desk.hangup();
  const result = await sipp;
  expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
  await trunk.stop();

  // The supervisor reads the record the call left.
  await expect(olgaOnBoard).toHaveAttribute("data-status", /wrap-up|available/);
  const supervisorPage = board;
  await expect
    .poll(async () => (await (await supervisorPage.request.get("/api/calls?limit=1")).json())[0]?.outcome, { timeout: 10_000 })
    .toBe("answered");
  const [call] = await (await supervisorPage.request.get("/api/calls?limit=1")).json();
  expect(call).toMatchObject({ callerNumber: "+15550001111", dialedNumber: "2000", endedBy: "operator", offers: 1 });
  expect(call.waitMs).toBeGreaterThan(1500);
  expect(call.waitMs).toBeLessThan(20_000);
  expect(call.talkMs).toBeGreaterThan(2000);
  await supervisor.close();
});
