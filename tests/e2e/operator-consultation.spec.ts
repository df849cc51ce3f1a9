import { expect, test, type Page } from "@playwright/test";
import { E2E_SIP_PORT } from "../../playwright.config";
import { runSipp } from "../support/sipp";
import { TrunkMedia } from "../support/trunk-media";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

/** Audio packets received by the desk on its consultation's session (the softphone's second peer connection). */
function consultPackets(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { __hotlineConsultPeerConnection?: RTCPeerConnection }).__hotlineConsultPeerConnection;
    let packets = 0;
    (await pc?.getStats())?.forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "audio") packets += report.packetsReceived ?? 0;
    });
    return packets;
  });
}

test("an operator consults a colleague (browser to browser) while the caller holds: cancel brings the caller back, complete puts the caller through to the colleague, answered at once", async ({ page, browser }) => {
  test.setTimeout(150_000);
  await cli("queue", "add", "ConsultDesk");
  await cli("queue", "set", "ConsultDesk", "--wrap-up", "10");
  await cli("queue", "add", "ConsultDeskB");
  await cli("number", "add", "5700", "--queue", "ConsultDesk");
  await cli("queue", "member", "ConsultDesk", USERS.operator.username);
  await cli("queue", "member", "ConsultDeskB", USERS.secondOperator.username);

  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(page);
  await desk.goAvailable();
  const colleagueContext = await browser.newContext();
  const colleaguePage = await colleagueContext.newPage();
  await new LoginPage(colleaguePage).loginAs(USERS.secondOperator.username, USERS.secondOperator.password);
  const colleague = new DeskPage(colleaguePage);
  await colleague.goAvailable();

  const trunk = new TrunkMedia();
  const trunkPort = await trunk.start();
  // The caller's side ends with Hotline's BYE: here, after the colleague it was transferred to hangs up.
  const caller = runSipp("answered-call-test-media-operator-hangs-up.xml", `127.0.0.1:${E2E_SIP_PORT}`, {
    service: "5700",
    timeoutS: 130,
    extra: ["-key", "trunk_rtp_port", String(trunkPort)],
  });
  await expect(desk.incomingCall()).toBeVisible({ timeout: 20_000 });
  await desk.answer();
  await expect.poll(async () => (await desk.audioStats()).packetsReceived, { timeout: 15_000 }).toBeGreaterThan(50);

  const consult = async () => {
    await page.getByTestId("transfer").click();
    const target = page.getByTestId("transfer-target");
    const option = target.locator("option", { hasText: new RegExp(USERS.secondOperator.username, "i") });
    await expect(option).toHaveCount(1);
    await target.selectOption((await option.getAttribute("value"))!);
    await page.getByTestId("transfer-consult").click();
    await expect(desk.callState()).toHaveText("consulting", { timeout: 10_000 });
    // The colleague's softphone rings: a consultation from the first operator.
    await expect(colleague.incomingCall()).toBeVisible({ timeout: 15_000 });
    await expect(colleaguePage.getByTestId("consult-from")).toBeVisible();
    await colleague.answer();
    // Browser to browser through the consultation's own rtpengine call, both ways.
    await expect.poll(() => consultPackets(page), { timeout: 15_000 }).toBeGreaterThan(50);
    await expect.poll(async () => (await colleague.audioStats()).packetsReceived, { timeout: 15_000 }).toBeGreaterThan(50);
  };

  // 1. Consult, then cancel: the colleague's call ends, the operator talks to the caller again on the first session.
  await consult();
  await page.getByTestId("transfer-cancel").click();
  await expect(colleague.callState()).toHaveText("idle", { timeout: 10_000 });
  await expect(colleague.operatorStatus()).toHaveText("available", { timeout: 10_000 });
  await expect(desk.callState()).toHaveText("talking", { timeout: 10_000 });
  const back = (await desk.audioStats()).packetsReceived;
  await expect.poll(async () => (await desk.audioStats()).packetsReceived - back, { timeout: 15_000 }).toBeGreaterThan(50);

  // 2. Consult again, then complete: the caller rings the colleague, whose desk answers without a click.
  await consult();
  await page.getByTestId("transfer-complete").click();
  await expect(desk.callState()).toHaveText("idle", { timeout: 10_000 });
  await expect(desk.operatorStatus()).toHaveText("wrap-up");
  await expect(colleague.operatorStatus()).toHaveText("on-call", { timeout: 15_000 });
  await expect(colleague.callState()).toHaveText("talking");
  const atColleague = (await colleague.audioStats()).packetsReceived;
  await expect.poll(async () => (await colleague.audioStats()).packetsReceived - atColleague, { timeout: 15_000 }).toBeGreaterThan(50);
  await new Promise((resolve) => setTimeout(resolve, 300));
  trunk.reset();
  await expect.poll(() => trunk.received, { timeout: 10_000 }).toBeGreaterThan(50);
  await colleague.hangup();

  const result = await caller;
  expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
  await trunk.stop();
  // The next specs share these accounts: both operators are available again once their wrap-up times out.
  await expect(desk.operatorStatus()).toHaveText("available", { timeout: 45_000 });
  await expect(colleague.operatorStatus()).toHaveText("available", { timeout: 45_000 });
  await colleagueContext.close();
});
