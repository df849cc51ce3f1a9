import { expect, test, type Page } from "@playwright/test";
import { E2E_OUTBOUND_PORT, E2E_SIP_PORT } from "../../playwright.config";
import { startSippProvider } from "../integration/telephony/sipp-provider";
import { runSipp } from "../support/sipp";
import { TRUNK_TONE_PAYLOAD, TrunkMedia } from "../support/trunk-media";
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

test("an operator consults an outside number on a second session while the caller holds: cancel brings the caller back, complete bridges caller and target", async ({ page }) => {
  test.setTimeout(150_000);
  await cli("queue", "add", "Consulting");
  await cli("queue", "set", "Consulting", "--wrap-up", "30");
  await cli("number", "add", "5600", "--queue", "Consulting");
  await cli("queue", "member", "Consulting", USERS.operator.username);
  await cli("outbound", "allow", "0[1-9]*");

  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(page);
  await desk.goAvailable();

  const trunk = new TrunkMedia();
  const trunkPort = await trunk.start();
  // The caller's side ends with Hotline's BYE: here, after the target it was transferred to hangs up.
  const caller = runSipp("answered-call-test-media-operator-hangs-up.xml", `127.0.0.1:${E2E_SIP_PORT}`, {
    service: "5600",
    timeoutS: 130,
    extra: ["-key", "trunk_rtp_port", String(trunkPort)],
  });
  await expect(desk.incomingCall()).toBeVisible({ timeout: 20_000 });
  await desk.answer();
  await expect.poll(async () => (await desk.audioStats()).packetsReceived, { timeout: 15_000 }).toBeGreaterThan(50);

  const consult = async () => {
    await page.getByTestId("transfer").click();
    await page.getByTestId("transfer-number").fill("06 12 34 56 78");
    await page.getByTestId("transfer-consult").click();
    await expect(desk.callState()).toHaveText("consulting", { timeout: 10_000 });
    // The target echoes the operator's microphone: audio arrives on the consultation's own session.
    await expect.poll(() => consultPackets(page), { timeout: 15_000 }).toBeGreaterThan(50);
    // The caller hears hold music meanwhile (not its own voice: that would come back only through the target).
    trunk.reset();
    await expect.poll(() => trunk.received, { timeout: 10_000 }).toBeGreaterThan(25);
    expect(trunk.distinctPayloads.has(TRUNK_TONE_PAYLOAD)).toBe(false);
  };

  // 1. Consult, then cancel: the target gets BYE, the operator talks to the caller again on the first session.
  const first = await startSippProvider("external-party-answers-until-bye.xml", "UDP", { port: E2E_OUTBOUND_PORT, extra: ["-rtp_echo"] });
  await consult();
  await page.getByTestId("transfer-cancel").click();
  const firstResult = await first.done;
  expect(firstResult.code, firstResult.stdout.slice(-1500) + firstResult.stderr).toBe(0);
  await expect(desk.callState()).toHaveText("talking", { timeout: 10_000 });
  const back = (await desk.audioStats()).packetsReceived;
  await expect.poll(async () => (await desk.audioStats()).packetsReceived - back, { timeout: 15_000 }).toBeGreaterThan(50);

  // 2. Consult again, then complete: the target's leg joins the caller's media, the operator goes to wrap-up.
  const second = await startSippProvider("external-party-answers-is-reinvited-then-hangs-up.xml", "UDP", { port: E2E_OUTBOUND_PORT, extra: ["-rtp_echo"] });
  await consult();
  await page.getByTestId("transfer-complete").click();
  await expect(desk.callState()).toHaveText("idle", { timeout: 10_000 });
  await expect(desk.operatorStatus()).toHaveText("wrap-up");
  // Caller and target are bridged: the music stopped, and all the caller receives is its own tone echoed by the
  // target (packets at both SIPps, through the caller's rtpengine call).
  await new Promise((resolve) => setTimeout(resolve, 300));
  trunk.reset();
  await expect.poll(() => trunk.received, { timeout: 10_000 }).toBeGreaterThan(50);
  expect([...trunk.distinctPayloads]).toEqual([TRUNK_TONE_PAYLOAD]);
  // The target hangs up 4 s after the re-INVITE; the caller then gets BYE.
  const secondResult = await second.done;
  expect(secondResult.code, secondResult.stdout.slice(-1500) + secondResult.stderr).toBe(0);
  const result = await caller;
  expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
  await trunk.stop();
  // The operator's wrap-up is theirs to end: Done with the outcome, and they are available for the next spec.
  await page.getByTestId("wrap-up-outcome").selectOption("transferred");
  await page.getByTestId("wrap-up-done").click();
  await expect(desk.operatorStatus()).toHaveText("available");
});
