import path from "node:path";
import { expect, test } from "@playwright/test";
import { DateTime } from "luxon";
import { E2E_SIP_PORT } from "../../playwright.config";
import { PromptCatalog } from "../../server/hours/prompt-catalog";
import { runSipp } from "../support/sipp";
import { CallbacksPage } from "./pages/callbacks-page";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

test("a caller of a closed number leaves a voicemail; a member of the queue plays it from the callbacks list, seeks, and marks it done", async ({ page }) => {
  test.setTimeout(90_000);
  const today = DateTime.now().setZone("Europe/Paris").startOf("day");
  await cli("queue", "add", "Evening");
  await cli("queue", "member", "Evening", USERS.operator.username);
  await cli("number", "add", "5501", "--queue", "Evening");
  await cli("schedule", "add", "Holidays", "--weekly", "mon-sun 00:00-24:00", "--tz", "Europe/Paris");
  await cli("schedule", "closure", "Holidays", "--from", today.minus({ days: 1 }).toISODate()!, "--to", today.plus({ days: 30 }).toISODate()!, "--reason", "Away");
  await cli("number", "set", "5501", "--schedule", "Holidays", "--closed-action", "voicemail", "--language", "en");

  // SIPp waits for the tone, speaks 3 s, presses # and gets Hotline's BYE after the thanks.
  const catalog = new PromptCatalog(path.resolve("public/sounds"));
  const promptsMs = ["en/closed-now", "en/voicemail-leave", "voicemail-beep"].reduce((ms, p) => ms + catalog.durationMs(p), 0);
  const sipp = await runSipp("caller-leaves-voicemail-presses-hash.xml", `127.0.0.1:${E2E_SIP_PORT}`, { service: "5501", holdMs: Math.round(promptsMs) + 400, timeoutS: 40 });
  expect(sipp.code, sipp.stdout.slice(-1500) + sipp.stderr).toBe(0);

  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const callbacks = new CallbacksPage(page);
  const row = callbacks.rowFor("+15550001111").filter({ has: page.getByTestId("voicemail") });
  await expect.poll(async () => (await callbacks.goto(), await row.count()), { timeout: 15_000 }).toBe(1);
  await expect(row).toContainText("Evening");
  await expect(row).toContainText("Voicemail");
  await expect(row.getByTestId("voicemail-length")).toHaveText("Message of 3 s");

  // The player loads the message (Range requests: 206) and seeks near its end.
  const statuses: number[] = [];
  page.on("response", (response) => {
    if (response.url().includes("/recording")) statuses.push(response.status());
  });
  const player = row.getByTestId("voicemail-player");
  await player.evaluate((audio: HTMLAudioElement) => audio.load());
  await expect.poll(() => player.evaluate((audio: HTMLAudioElement) => audio.duration), { timeout: 10_000 }).toBeGreaterThan(2);
  const duration = await player.evaluate((audio: HTMLAudioElement) => audio.duration);
  expect(Math.abs(duration - 3)).toBeLessThanOrEqual(1);
  await player.evaluate((audio: HTMLAudioElement) => {
    audio.muted = true;
    audio.currentTime = audio.duration - 1;
    return audio.play();
  });
  await expect.poll(() => player.evaluate((audio: HTMLAudioElement) => audio.currentTime), { timeout: 10_000 }).toBeGreaterThan(duration - 1);
  expect(statuses.some((s) => s === 206 || s === 200)).toBe(true);

  await row.getByTestId("callback-done").click();
  await expect(row).toHaveCount(0);
});
