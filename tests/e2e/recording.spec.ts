import { expect, test } from "@playwright/test";
import { E2E_ADMIN, E2E_SIP_PORT } from "../../playwright.config";
import { runSipp } from "../support/sipp";
import { TrunkMedia } from "../support/trunk-media";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { QueuesPage } from "./pages/queues-page";
import { cli, USERS } from "./support/cli";

test("an admin turns recording on for a queue; the operator sees the call is recorded; a supervisor plays it with seeking on the call page", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await cli("queue", "add", "Recorded");
  await cli("number", "add", "5101", "--queue", "Recorded");
  await cli("queue", "member", "Recorded", USERS.operator.username);

  // The admin's queue settings: a field error, then recording on for every call, kept 30 days.
  await new LoginPage(page).loginAs(E2E_ADMIN.username, E2E_ADMIN.password);
  const queues = new QueuesPage(page);
  await queues.goto();
  await queues.row("Recorded").getByRole("link").first().click();
  await queues.settings.getByTestId("recording-enabled").check();
  await queues.saveSettings({ inputs: { recordingSamplePct: "0", recordingRetentionDays: "30" } });
  await expect(queues.settingsError("recordingSamplePct")).toHaveText("Enter a percentage from 1 to 100.");
  await queues.settings.getByTestId("recording-enabled").check();
  await queues.saveSettings({ inputs: { recordingSamplePct: "100", recordingRetentionDays: "30" } });
  await expect(queues.settingsNotice()).toBeVisible();
  await expect(queues.settingsError("recordingSamplePct")).toHaveCount(0);

  // The operator answers in Chromium; the caller heard the consent notice first; the desk says "Recorded".
  const operator = await browser.newContext();
  const deskPage = await operator.newPage();
  await new LoginPage(deskPage).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(deskPage);
  await desk.goAvailable();
  const trunk = new TrunkMedia();
  const trunkPort = await trunk.start();
  const sipp = runSipp("answered-call-test-media-operator-hangs-up.xml", `127.0.0.1:${E2E_SIP_PORT}`, {
    service: "5101",
    timeoutS: 90,
    extra: ["-key", "trunk_rtp_port", String(trunkPort)],
  });
  await expect(desk.incomingCall()).toBeVisible({ timeout: 25_000 });
  await desk.answer();
  await expect(deskPage.getByTestId("call-recorded")).toBeVisible({ timeout: 5_000 });
  await expect.poll(async () => (await desk.audioStats()).packetsReceived, { timeout: 15_000 }).toBeGreaterThan(100);
  await deskPage.waitForTimeout(3000);
  await desk.hangup();
  const result = await sipp;
  expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
  await trunk.stop();

  // The supervisor's call page: the stored recording plays, and seeking asks the route for byte ranges.
  const supervisor = await browser.newContext();
  const sup = await supervisor.newPage();
  await new LoginPage(sup).loginAs(USERS.supervisor.username, USERS.supervisor.password);
  let call: { id: string; dialedNumber: string; recordingUrl: string | null } | undefined;
  await expect
    .poll(async () => {
      const calls = (await (await sup.request.get("/api/calls?limit=20")).json()) as Array<{ id: string; dialedNumber: string; recordingUrl: string | null }>;
      call = calls.find((c) => c.dialedNumber === "5101");
      return call?.recordingUrl ?? null;
    }, { timeout: 15_000 })
    .not.toBeNull();
  const ranges: number[] = [];
  sup.on("response", (response) => {
    if (response.url().includes("/recording")) ranges.push(response.status());
  });
  await sup.goto(`/calls/${call!.id}`);
  const player = sup.getByTestId("recording-player");
  await expect(player).toBeVisible();
  await expect.poll(() => player.evaluate((audio: HTMLAudioElement) => audio.duration), { timeout: 10_000 }).toBeGreaterThan(2);
  const duration = await player.evaluate((audio: HTMLAudioElement) => audio.duration);
  expect(duration).toBeLessThan(15);
  await player.evaluate((audio: HTMLAudioElement) => {
    audio.muted = true;
    audio.currentTime = audio.duration - 1;
    return audio.play();
  });
  await expect.poll(() => player.evaluate((audio: HTMLAudioElement) => audio.currentTime), { timeout: 10_000 }).toBeGreaterThan(duration - 1);
  expect(ranges).toContain(206);
  await expect(sup.getByTestId("recording-download")).toBeVisible();
  const download = await sup.request.get(`${call!.recordingUrl}?download=1`);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toContain("attachment");
  // The operator may play their own call's recording, not download it.
  expect((await deskPage.request.get(`${call!.recordingUrl}?download=1`)).status()).toBe(403);
  expect((await deskPage.request.get(call!.recordingUrl!, { headers: { Range: "bytes=0-99" } })).status()).toBe(206);
  await sup.reload();
  await expect(sup.getByTestId("recording-accesses")).toContainText(USERS.supervisor.username);
  await operator.close();
  await supervisor.close();
});
