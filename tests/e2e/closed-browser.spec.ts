import { expect, test, type Browser } from "@playwright/test";
import { E2E_SIP_PORT } from "../../playwright.config";
import { runSipp } from "../support/sipp";
import { TrunkMedia } from "../support/trunk-media";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

/** An operator's own browser (cookies, socket and softphone of their own), logged in at the desk. */
async function openDesk(browser: Browser, user: { username: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await new LoginPage(page).loginAs(user.username, user.password);
  return { context, desk: new DeskPage(page) };
}

test("a caller whose first operator closes the browser while it rings is answered by a second operator, and the record counts both offers", async ({ browser }) => {
  test.setTimeout(120_000);
  await cli("queue", "add", "Helpdesk");
  await cli("number", "add", "2100", "--queue", "Helpdesk");
  await cli("queue", "member", "Helpdesk", USERS.operator.username);
  await cli("queue", "member", "Helpdesk", USERS.secondOperator.username);

  // A supervisor watches the board: its rows carry the user ids the call record refers to.
  const supervisor = await browser.newContext();
  const board = await supervisor.newPage();
  await new LoginPage(board).loginAs(USERS.supervisor.username, USERS.supervisor.password);
  const rowOf = (username: string) => board.getByTestId(/^operator-row-/).filter({ hasText: username });
  const olgaOnBoard = rowOf(USERS.operator.username).getByTestId("operator-row-status");
  const omarOnBoard = rowOf(USERS.secondOperator.username).getByTestId("operator-row-status");

  const olga = await openDesk(browser, USERS.operator);
  const omar = await openDesk(browser, USERS.secondOperator);
  // Olga may still be in wrap-up from an earlier spec's call; she is offered nothing until it ends.
  await expect(olgaOnBoard).toHaveAttribute("data-status", "paused", { timeout: 15_000 });
  await expect(omarOnBoard).toHaveAttribute("data-status", "paused");
  // Olga goes available first, so the queue's default strategy (longest idle) offers her the call first.
  await olga.desk.goAvailable();
  await expect(olgaOnBoard).toHaveAttribute("data-status", "available");
  await omar.desk.goAvailable();
  await expect(omarOnBoard).toHaveAttribute("data-status", "available");

  const trunk = new TrunkMedia();
  const trunkPort = await trunk.start();
  const sipp = runSipp("answered-call-test-media-operator-hangs-up.xml", `127.0.0.1:${E2E_SIP_PORT}`, {
    service: "2100",
    timeoutS: 90,
    extra: ["-key", "trunk_rtp_port", String(trunkPort)],
  });

  await expect(olga.desk.incomingCall()).toBeVisible({ timeout: 20_000 });
  await expect(olga.desk.incomingCall()).toContainText("+15550001111");
  await expect(olga.desk.callState()).toHaveText("ringing");
  await expect(olgaOnBoard).toHaveAttribute("data-status", "offered");
  // One operator rings at a time: Omar waits his turn.
  await expect(omarOnBoard).toHaveAttribute("data-status", "available");
  await expect(omar.desk.incomingCall()).toBeHidden();

  // Closing her whole browser context drops her page, socket and softphone at once, without a
  // goodbye, as closing the browser window does.
  await olga.context.close();
  await expect(olgaOnBoard).toHaveAttribute("data-status", "offline", { timeout: 15_000 });

  await expect(omar.desk.incomingCall()).toBeVisible({ timeout: 20_000 });
  await expect(omar.desk.incomingCall()).toContainText("+15550001111");
  await expect(omarOnBoard).toHaveAttribute("data-status", "offered");
  await omar.desk.answer();
  await expect(omarOnBoard).toHaveAttribute("data-status", "on-call");

  // The caller's tone arrives in Omar's browser.
  await expect.poll(async () => (await omar.desk.audioStats()).packetsReceived, { timeout: 15_000 }).toBeGreaterThan(100);
  const first = await omar.desk.audioStats();
  await omar.desk.page.waitForTimeout(1000);
  expect((await omar.desk.audioStats()).packetsReceived).toBeGreaterThan(first.packetsReceived + 25);

  await omar.desk.hangup();
  const result = await sipp;
  expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
  await trunk.stop();

  // The supervisor reads the record the call left: two offers, answered by Omar.
  await expect(omarOnBoard).toHaveAttribute("data-status", /wrap-up|available/);
  const omarId = Number((await rowOf(USERS.secondOperator.username).getAttribute("data-testid"))!.replace("operator-row-", ""));
  await expect
    .poll(async () => (await (await board.request.get("/api/calls?limit=1")).json())[0]?.outcome, { timeout: 10_000 })
    .toBe("answered");
  const [call] = await (await board.request.get("/api/calls?limit=1")).json();
  expect(call).toMatchObject({ callerNumber: "+15550001111", dialedNumber: "2100", endedBy: "operator", offers: 2, operatorId: omarId });
  await omar.context.close();
  await supervisor.close();
});
