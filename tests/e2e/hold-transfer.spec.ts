import { expect, test } from "@playwright/test";
import { E2E_SIP_PORT } from "../../playwright.config";
import { runSipp } from "../support/sipp";
import { TrunkMedia } from "../support/trunk-media";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

test("an operator puts a trunk caller on hold (music), resumes, and transfers them blind to another queue, where a colleague answers", async ({ page, browser }) => {
  test.setTimeout(150_000);
  await cli("queue", "add", "Billing");
  await cli("queue", "set", "Billing", "--wrap-up", "0");
  await cli("queue", "add", "Disputes");
  await cli("number", "add", "2300", "--queue", "Billing");
  await cli("queue", "member", "Billing", USERS.operator.username);
  await cli("queue", "member", "Disputes", USERS.secondOperator.username);

  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(page);
  await desk.goAvailable();

  const trunk = new TrunkMedia();
  const trunkPort = await trunk.start();
  const sipp = runSipp("answered-call-test-media-operator-hangs-up.xml", `127.0.0.1:${E2E_SIP_PORT}`, {
    service: "2300",
    timeoutS: 120,
    extra: ["-key", "trunk_rtp_port", String(trunkPort)],
  });
  await expect(desk.incomingCall()).toBeVisible({ timeout: 20_000 });
  await desk.answer();
  await expect.poll(async () => (await desk.audioStats()).packetsReceived, { timeout: 15_000 }).toBeGreaterThan(50);

  // Hold: the desk says so, and the caller keeps receiving audio (the music).
  const hold = page.getByTestId("hold");
  await expect(hold).toHaveText("hold");
  await hold.click();
  await expect(hold).toHaveText("resume");
  await expect(desk.callState()).toHaveText("held");
  trunk.reset();
  await expect.poll(() => trunk.received, { timeout: 10_000 }).toBeGreaterThan(50);
  await hold.click();
  await expect(hold).toHaveText("hold");
  await expect(desk.callState()).toHaveText("talking");

  // The colleague opens the desk and is ready.
  const colleagueContext = await browser.newContext();
  const colleaguePage = await colleagueContext.newPage();
  await new LoginPage(colleaguePage).loginAs(USERS.secondOperator.username, USERS.secondOperator.password);
  const colleague = new DeskPage(colleaguePage);
  await colleague.goAvailable();

  // Blind transfer to the Disputes queue.
  await page.getByTestId("transfer").click();
  const target = page.getByTestId("transfer-target");
  await expect(target.locator("option", { hasText: "Disputes" })).toHaveCount(1);
  await target.selectOption({ label: "Disputes" });
  await page.getByTestId("transfer-blind").click();
  await expect(desk.callState()).toHaveText("idle", { timeout: 10_000 });
  // The server's BYE after the transfer is not the caller hanging up: the desk says where the call went.
  await expect(page.getByTestId("last-call-outcome")).toHaveAttribute("data-outcome", "transferred");
  await expect(page.getByTestId("last-call-outcome")).toHaveText("You transferred the call to Disputes.");

  await expect(colleague.incomingCall()).toBeVisible({ timeout: 20_000 });
  await colleague.answer();
  await expect.poll(async () => (await colleague.audioStats()).packetsReceived, { timeout: 15_000 }).toBeGreaterThan(50);
  trunk.reset();
  await expect.poll(() => trunk.received, { timeout: 10_000 }).toBeGreaterThan(50);
  await colleague.hangup();

  const result = await sipp;
  expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
  await trunk.stop();
  await colleagueContext.close();
});
