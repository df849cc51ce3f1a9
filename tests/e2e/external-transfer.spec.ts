import { expect, test } from "@playwright/test";
import { E2E_OUTBOUND_PORT, E2E_SIP_PORT } from "../../playwright.config";
import { startSippProvider } from "../integration/telephony/sipp-provider";
import { runSipp } from "../support/sipp";
import { TrunkMedia } from "../support/trunk-media";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

test("an operator transfers a trunk caller to a typed outside number: the caller talks to it through the trunk, the operator is free", async ({ page }) => {
  test.setTimeout(120_000);
  await cli("queue", "add", "Forwarding");
  await cli("queue", "set", "Forwarding", "--wrap-up", "0");
  await cli("number", "add", "5201", "--queue", "Forwarding");
  await cli("queue", "member", "Forwarding", USERS.operator.username);
  await cli("outbound", "allow", "0[1-9]*");

  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(page);
  await desk.goAvailable();

  const trunk = new TrunkMedia();
  const trunkPort = await trunk.start();
  // The caller's side ends with Hotline's BYE: here, after the outside party hangs up.
  const caller = runSipp("answered-call-test-media-operator-hangs-up.xml", `127.0.0.1:${E2E_SIP_PORT}`, {
    service: "5201",
    timeoutS: 100,
    extra: ["-key", "trunk_rtp_port", String(trunkPort)],
  });
  await expect(desk.incomingCall()).toBeVisible({ timeout: 20_000 });
  await desk.answer();
  await expect.poll(async () => (await desk.audioStats()).packetsReceived, { timeout: 15_000 }).toBeGreaterThan(50);

  // The outside party answers after a digest challenge, echoes what it hears, and hangs up after 2 s.
  const outside = await startSippProvider("provider-answers-outbound-after-401-then-hangs-up.xml", "UDP", { port: E2E_OUTBOUND_PORT, extra: ["-rtp_echo"] });
  await page.getByTestId("transfer").click();
  await page.getByTestId("transfer-number").fill("06 12 34 56 78");
  await page.getByTestId("transfer-blind").click();
  await expect(desk.callState()).toHaveText("idle", { timeout: 10_000 });
  // The caller keeps receiving audio (music, then the outside party's echo) until the outside party hangs up.
  trunk.reset();
  await expect.poll(() => trunk.received, { timeout: 10_000 }).toBeGreaterThan(50);
  const outsideResult = await outside.done;
  expect(outsideResult.code, outsideResult.stdout.slice(-1500) + outsideResult.stderr).toBe(0);
  const result = await caller;
  expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
  await expect(desk.operatorStatus()).toHaveText("available");
  await trunk.stop();
});
