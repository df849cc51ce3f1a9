import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { DateTime } from "luxon";
import { E2E_ADMIN } from "../../playwright.config";
import { LoginPage } from "./pages/login-page";
import { cli } from "./support/cli";

const ZONE = "Europe/Paris";

// The replacement uploaded below lands in the server's SOUNDS_DIR (the repository's public/sounds under test): removed
// afterwards, so later runs hear the generated prompt again.
test.afterAll(() => rmSync(path.resolve(process.env.SOUNDS_DIR ?? "public/sounds", "custom/fr-closed-now.wav"), { force: true }));

/** The first weekday (Monday to Friday) at 09:00 from `day` on, in Paris: when "mon-fri 09:00-18:00" opens again. */
function firstWeekdayNine(day: DateTime): DateTime {
  let d = day.startOf("day");
  while (d.weekday > 5) d = d.plus({ days: 1 });
  return d.set({ hour: 9 });
}

test("an admin builds a schedule with a closure in the browser and sees the next opening time; field errors name the bad part", async ({ page }) => {
  await cli("queue", "add", "Admissions");
  await cli("number", "add", "+33999000111", "--queue", "Admissions");
  await new LoginPage(page).loginAs(E2E_ADMIN.username, E2E_ADMIN.password);
  await page.getByTestId("nav-hours").click();
  await expect(page.getByTestId("page-title")).toHaveText("Hours");
  await expect(page.getByTestId("schedules-table-empty")).toBeVisible();

  const scheduleForm = page.getByTestId("schedule-form");
  await scheduleForm.getByLabel("Name").fill("Office");
  await scheduleForm.getByLabel("Weekly hours").fill("mon-fry 09:00-18:00");
  await scheduleForm.getByLabel("Time zone").fill(ZONE);
  await scheduleForm.getByTestId("save-schedule").click();
  await expect(scheduleForm.getByTestId("error-weekly")).toHaveText("Hours like “mon-fri 09:00-18:00; sat 10:00-13:00”, or 24/7.");
  await expect(scheduleForm.getByLabel("Weekly hours")).toHaveValue("mon-fry 09:00-18:00");
  await scheduleForm.getByLabel("Weekly hours").fill("Monday-Friday 09:00-18:00");
  await scheduleForm.getByTestId("save-schedule").click();
  await expect(scheduleForm.getByTestId("notice")).toHaveText("Schedule saved.");
  const row = page.locator('[data-testid="schedule-row"][data-name="Office"]');
  await expect(row.getByTestId("schedule-weekly")).toHaveText("mon-fri 09:00-18:00");

  // A closure from yesterday to tomorrow: closed now, the next opening is the first weekday after it at 09:00.
  const today = DateTime.now().setZone(ZONE);
  const exceptionForm = page.getByTestId("exception-form");
  await exceptionForm.getByLabel("Kind").selectOption("closure");
  await exceptionForm.getByLabel("From").fill(today.minus({ days: 1 }).toISODate()!);
  await exceptionForm.getByLabel("To").fill(today.plus({ days: 1 }).toISODate()!);
  await exceptionForm.getByTestId("add-exception").click();
  await expect(exceptionForm.getByTestId("error-reason")).toHaveText("A reason of up to 120 characters (required for a closure).");
  await exceptionForm.getByLabel("Reason").fill("Holidays");
  await exceptionForm.getByTestId("add-exception").click();
  await expect(exceptionForm.getByTestId("notice")).toHaveText("Added.");
  await expect(row.getByTestId("exception")).toHaveCount(1);

  const opening = firstWeekdayNine(today.plus({ days: 2 }));
  const time = new Intl.DateTimeFormat("en-US", { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: ZONE }).format(opening.toMillis());
  await expect(row.getByTestId("schedule-state")).toHaveText(`Closed: Holidays — Closed until ${time}`);

  // The number uses the schedule, in French; a closed action naming no queue is refused.
  const number = page.locator('[data-testid="number-form"][data-number="+33999000111"]');
  await number.getByLabel("Schedule").selectOption("Office");
  await number.getByLabel("Language").selectOption("fr");
  await number.getByLabel("When closed").fill("queue:Nowhere");
  await number.getByTestId("save-number").click();
  await expect(number.getByTestId("error-closedAction")).toHaveText("No queue with that name: queue: must name an existing queue, e.g. queue:Support.");
  await expect(number.getByLabel("When closed")).toHaveValue("queue:Nowhere");
  await number.getByLabel("When closed").fill("bogus");
  await number.getByTestId("save-number").click();
  await expect(number.getByTestId("error-closedAction")).toContainText("hang-up, voicemail, forward:");
  await expect(number.getByLabel("When closed")).toHaveValue("bogus");
  // The forward goes out through the trunk: the (empty) outbound allow-list must allow it.
  await number.getByLabel("When closed").fill("forward:+33999");
  await number.getByTestId("save-number").click();
  await expect(number.getByTestId("error-closedAction")).toContainText("outbound allow");
  await expect(number.getByLabel("When closed")).toHaveValue("forward:+33999");
  await number.getByLabel("When closed").fill("hang-up");
  await number.getByTestId("save-number").click();
  await expect(number.getByTestId("notice")).toHaveText("Number saved.");
  await page.reload();
  await expect(number.getByLabel("Schedule")).toHaveValue("Office");
  await expect(number.getByLabel("Language")).toHaveValue("fr");
  await expect(page.locator('[data-testid="schedule-row"][data-name="Office"]').getByTestId("schedule-state")).toHaveAttribute("data-open", "false");

  // The board shows the queue closed until its next opening.
  await page.getByTestId("nav-board").click();
  const short = new Intl.DateTimeFormat("en-US", { weekday: "long", hour: "2-digit", minute: "2-digit", timeZone: ZONE }).format(opening.toMillis());
  await expect(page.getByTestId("queue-hours-state").filter({ hasText: "Admissions" })).toHaveText(`Admissions: closed until ${short}`);

  // Prompts: the French closed message can be heard, and replaced; a file that is no recording is refused.
  await page.getByTestId("nav-hours").click();
  const prompts = page.getByTestId("prompt-form");
  await prompts.getByLabel("Language").selectOption("fr");
  await prompts.getByLabel("Prompt").selectOption("closed-now");
  const src = await prompts.getByTestId("prompt-player").getAttribute("src");
  const heard = await page.request.get(src!);
  expect(heard.status()).toBe(200);
  expect(heard.headers()["content-type"]).toBe("audio/wav");
  const dir = mkdtempSync(path.join(tmpdir(), "hotline-e2e-prompt-"));
  const bad = path.join(dir, "notes.mp3");
  execFileSync("sh", ["-c", `echo "not audio" > "${bad}"`]);
  await prompts.getByLabel("Replacement recording").setInputFiles(bad);
  await prompts.getByTestId("upload-prompt").click();
  await expect(prompts.getByTestId("error-file")).toHaveText("This is not a WAV, MP3 or OGG recording that can be read.");
  const good = path.join(dir, "closed.ogg");
  execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1.5", good]);
  await prompts.getByLabel("Replacement recording").setInputFiles(good);
  await prompts.getByTestId("upload-prompt").click();
  await expect(prompts.getByTestId("notice")).toHaveText("Prompt replaced.");
  const replaced = await page.request.get(`/api/prompts/fr/closed-now`);
  expect((await replaced.body()).byteLength).toBeLessThan((await heard.body()).byteLength);
});
