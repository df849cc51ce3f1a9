import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../../playwright.config";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

test("an admin sets the organisation, writes a script (an unknown placeholder is a field error), and imports the directory from CSV with a per-row report; a supervisor adds a prepared answer (a missing answer text is a field error) and edits it", async ({
  page,
  browser,
}) => {
  await new LoginPage(page).loginAs(E2E_ADMIN.username, E2E_ADMIN.password);

  await page.getByTestId("nav-organisation").click();
  const org = page.getByTestId("organisation-form");
  await org.locator('input[name="name"]').fill("Mairie de Lyon");
  await org.locator('input[name="country"]').fill("Francia");
  await page.getByTestId("organisation-form-submit").click();
  await expect(org.getByTestId("error-country")).toBeVisible();
  await expect(org.locator('input[name="country"]')).toHaveAttribute("aria-invalid", "true");
  await org.locator('input[name="country"]').fill("fr");
  await page.getByTestId("organisation-form-submit").click();
  await expect(org.getByTestId("notice")).toBeVisible();
  await page.reload();
  await expect(org.locator('input[name="country"]')).toHaveValue("FR");

  await cli("queue", "add", "Mairie");
  await page.getByTestId("nav-scripts").click();
  const script = page.getByTestId("script-form");
  await script.locator('select[name="queueId"]').selectOption({ label: "Mairie" });
  await script.locator('textarea[name="steps"]').fill("Bonjour, {organisation}, {agent} à votre écoute.\nComment puis-je vous aider ?");
  await script.locator('select[name="locale"]').selectOption("fr");
  await page.getByTestId("script-form-submit").click();
  await expect(script.getByTestId("error-steps")).toContainText("{organisation}");
  await script.locator('textarea[name="steps"]').fill("Bonjour, {organisation}, {operator} à votre écoute.\nComment puis-je vous aider ?");
  await page.getByTestId("script-form-submit").click();
  await expect(script.getByTestId("notice")).toBeVisible();
  await expect(page.getByTestId("scripts-table")).toContainText("{operator} à votre écoute.");
  // What was chosen before the error is what was saved: the queue and the language.
  await expect(page.getByTestId("scripts-table")).toContainText("Mairie");
  await expect(page.getByTestId("scripts-table")).toContainText("Français");

  await page.getByTestId("nav-directory").click();
  const upload = page.getByTestId("directory-import");
  // Over the import's 4 MB: refused in the browser with the field's error, the page stays.
  let sent = false;
  page.on("request", (request) => void (request.method() === "POST" && (sent = true)));
  await upload.locator('input[type="file"]').setInputFiles({ name: "big.csv", mimeType: "text/csv", buffer: Buffer.alloc(4_000_001, "a") });
  await page.getByTestId("directory-import-submit").click();
  await expect(upload.getByTestId("error-file")).toHaveText("The file is larger than 4 MB: split it into smaller files (at most 2000 rows each).");
  expect(sent).toBe(false);
  page.removeAllListeners("request");
  await upload.locator('input[type="file"]').setInputFiles({
    name: "people.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("name,phones,competences\nSophie Bernard,+33478000000,état civil;passeports\n,123,x\nLuc,not a phone,x\n"),
  });
  await page.getByTestId("directory-import-submit").click();
  const details = page.getByTestId("directory-import-details");
  await expect(details.locator("li")).toHaveCount(2);
  await expect(details).toContainText("3");
  await expect(details).toContainText("4");
  await expect(page.getByTestId("directory-table-empty")).toBeVisible();
  await upload.locator('input[type="file"]').setInputFiles({
    name: "people.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("name,phones,competences\nSophie Bernard,+33478000000,état civil;passeports\n"),
  });
  await page.getByTestId("directory-import-submit").click();
  await expect(page.getByTestId("directory-row")).toHaveCount(1);
  const csv = await (await page.request.get("/api/directory/export")).text();
  // A phone starting with "+" is exported with an apostrophe, so no spreadsheet reads it as a formula.
  expect(csv).toContain("Sophie Bernard,,,'+33478000000,,état civil;passeports,,");

  // Prepared answers belong to supervisors too.
  const supervisorContext = await browser.newContext();
  const supervisor = await supervisorContext.newPage();
  await new LoginPage(supervisor).loginAs(USERS.supervisor.username, USERS.supervisor.password);
  await supervisor.getByTestId("nav-answers").click();
  const form = supervisor.getByTestId("answer-form");
  await form.locator('input[name="topic"]').fill("Passeports");
  await form.locator('select[name="locale"]').selectOption("fr");
  await form.locator('input[name="question"]').fill("Quel délai pour un passeport ?");
  await supervisor.getByTestId("answer-form-submit").click();
  await expect(form.getByTestId("error-variants")).toBeVisible();
  await form.locator('textarea[name="variants"]').fill("Environ trois semaines après le rendez-vous.");
  await supervisor.getByTestId("answer-form-submit").click();
  await expect(supervisor.getByTestId("answer-row")).toHaveCount(1);
  await expect(supervisor.getByTestId("answer-row")).toContainText("Quel délai pour un passeport ?");
  // Supervisors edit an answer in place: its question as callers now put it.
  const row = supervisor.getByTestId("answer-row");
  await row.locator("summary").click();
  const edit = row.locator("form[data-testid^='answer-edit-']");
  await expect(edit.locator('select[name="locale"]')).toHaveValue("fr");
  await edit.locator('input[name="question"]').fill("Combien de temps pour obtenir un passeport ?");
  await edit.locator("button[type=submit]").click();
  await expect(supervisor.getByTestId("answer-row").first()).toContainText("Combien de temps pour obtenir un passeport ?");
  await supervisorContext.close();
});
