import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../../playwright.config";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { StaffingPage } from "./pages/staffing-page";
import { USERS } from "./support/cli";

test("an admin adds a pause reason and a shift with field errors, and the operator can pause with the new reason", async ({ page, browser }) => {
  await new LoginPage(page).loginAs(E2E_ADMIN.username, E2E_ADMIN.password);
  const staffing = new StaffingPage(page);

  // Pause reasons
  await page.getByTestId("nav-pauseReasons").click();
  await expect(page.getByTestId("page-title")).toHaveText("Pause reasons");
  await expect(staffing.builtInReason("break").getByTestId("reason-name")).toHaveText("Break");

  await staffing.addReason({ label: "", maxMinutes: "20" });
  await expect(staffing.fieldError(staffing.addReasonForm, "label")).toHaveText("Use 1 to 40 characters.");
  await staffing.addReason({ label: "Coaching", maxMinutes: "0" });
  await expect(staffing.fieldError(staffing.addReasonForm, "maxMinutes")).toHaveText(
    "Leave empty for no limit, or enter a whole number of minutes from 1 to 480.",
  );
  await expect(staffing.fieldError(staffing.addReasonForm, "label")).toHaveCount(0);
  // Nothing was added, and what was typed is still there to correct.
  await expect(staffing.customReason("Coaching")).toHaveCount(0);
  await expect(staffing.addReasonForm.locator('input[name="label"]')).toHaveValue("Coaching");

  await staffing.addReason({ label: "Coaching", maxMinutes: "20" });
  await expect(staffing.notice(staffing.addReasonForm)).toHaveText("Reason added.");
  await expect(staffing.addReasonForm.locator('input[name="label"]')).toHaveValue("");
  const coaching = staffing.customReason("Coaching");
  await expect(staffing.reasonInput(coaching, "maxMinutes")).toHaveValue("20");
  await expect(staffing.reasonInput(coaching, "limited")).not.toBeChecked();

  const breakRow = staffing.builtInReason("break");
  await staffing.saveReason(breakRow, { maxMinutes: "0" });
  await expect(staffing.fieldError(breakRow, "maxMinutes")).toHaveText("Leave empty for no limit, or enter a whole number of minutes from 1 to 480.");
  await staffing.saveReason(breakRow, { maxMinutes: "10" });
  await expect(staffing.notice(breakRow)).toHaveText("Reason saved.");
  await expect(staffing.fieldError(breakRow, "maxMinutes")).toHaveCount(0);
  await page.reload();
  await expect(staffing.reasonInput(staffing.builtInReason("break"), "maxMinutes")).toHaveValue("10");
  await expect(staffing.reasonInput(staffing.customReason("Coaching"), "maxMinutes")).toHaveValue("20");

  // Shifts
  await page.getByTestId("nav-shifts").click();
  await expect(page.getByTestId("page-title")).toHaveText("Shifts");
  await expect(page.getByTestId("shifts-timezone")).toContainText("Times are in the hotline’s time zone: ");
  const olga = USERS.operator.username;

  await staffing.addShift({ username: olga, days: [], start: "09:00", end: "17:00" });
  await expect(staffing.fieldError(staffing.addShiftForm, "days")).toHaveText("Choose at least one day.");
  await expect(staffing.shiftsOf(olga)).toHaveCount(0);
  await expect(staffing.addShiftForm.getByTestId("select-userId").locator("option:checked")).toHaveText(`${olga} (${olga})`);
  await expect(staffing.addShiftForm.locator('input[name="start"]')).toHaveValue("09:00");

  await staffing.addShift({ username: olga, days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" });
  await expect(staffing.notice(staffing.addShiftForm)).toHaveText("Shift added.");
  await expect(staffing.shiftsOf(olga)).toHaveCount(1);
  await expect(staffing.shiftsOf(olga).getByTestId("shift-days")).toHaveText("Mon, Tue, Wed, Thu, Fri");
  await expect(staffing.shiftsOf(olga).getByTestId("shift-hours")).toHaveText("09:00–17:00");
  await expect(staffing.shiftsOf(olga).getByTestId("shift-next-day")).toHaveCount(0);

  // The operator's desk offers the new reason, after the built-in ones; the admin pages stay shut.
  const operatorContext = await browser.newContext();
  const operatorPage = await operatorContext.newPage();
  await new LoginPage(operatorPage).loginAs(olga, USERS.operator.password);
  await expect(operatorPage).toHaveURL(/\/desk$/);
  await expect(operatorPage.getByTestId("pause").locator("option:not([disabled])")).toHaveText(["Break", "Lunch", "Training", "Coaching"]);
  // Pausing with it shows its label to the operator and on the supervisors' board.
  const desk = new DeskPage(operatorPage);
  await desk.goAvailable();
  await operatorPage.getByTestId("pause").selectOption({ label: "Coaching" });
  await expect(operatorPage.getByTestId("operator-status")).toHaveText("paused");
  await expect(operatorPage.getByTestId("status-reason")).toHaveText("Reason: Coaching");
  await page.goto("/board");
  await expect(page.getByTestId("operators-table").locator("tr", { hasText: olga })).toContainText("Coaching");
  // With a shift set, the desk and the board say whether she is inside it (which depends on when the test runs).
  await expect(operatorPage.getByTestId("status-shift")).toHaveText(/^(On shift|Outside your shift)$/);
  await expect(page.getByTestId("operators-table").locator("tr", { hasText: olga }).getByTestId("operator-row-shift")).toHaveAttribute("data-on-shift", /^(true|false)$/);
  await desk.goAvailable();
  await expect(operatorPage.getByTestId("nav-pauseReasons")).toHaveCount(0);
  for (const path of ["/admin/pause-reasons", "/admin/shifts"]) {
    const response = await operatorPage.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(operatorPage.getByTestId("forbidden")).toBeVisible();
  }
  await operatorContext.close();

  // Put things back as they were, so later tests see olga without a shift and the stock reasons.
  await staffing.gotoShifts();
  await staffing.shiftsOf(olga).getByTestId("remove-shift").click();
  await expect(staffing.shiftsOf(olga)).toHaveCount(0);
  await staffing.gotoPauseReasons();
  await staffing.removeReason(staffing.customReason("Coaching"));
  await expect(staffing.customReason("Coaching")).toHaveCount(0);
  await staffing.saveReason(staffing.builtInReason("break"), { maxMinutes: "" });
  await expect(staffing.notice(staffing.builtInReason("break"))).toHaveText("Reason saved.");
});
