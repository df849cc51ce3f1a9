import { expect, type Locator, type Page } from "@playwright/test";

/** The admin's staffing pages: pause reasons (/admin/pause-reasons) and shifts (/admin/shifts). */
export class StaffingPage {
  constructor(readonly page: Page) {}

  async gotoPauseReasons() {
    await this.page.goto("/admin/pause-reasons");
    await expect(this.page.getByTestId("pause-reasons-table")).toBeVisible();
  }

  async gotoShifts() {
    await this.page.goto("/admin/shifts");
    await expect(this.page.getByTestId("add-shift-form")).toBeVisible();
  }

  // Pause reasons

  get addReasonForm() {
    return this.page.getByTestId("add-reason-form");
  }

  async addReason(reason: { label: string; maxMinutes: string; limited?: boolean }) {
    const form = this.addReasonForm;
    await form.locator('input[name="label"]').fill(reason.label);
    await form.locator('input[name="maxMinutes"]').fill(reason.maxMinutes);
    await form.getByTestId("new-reason-limited").setChecked(reason.limited ?? false);
    await form.getByTestId("add-reason").click();
  }

  /** A built-in reason's row, by its code (break, lunch, training). */
  builtInReason(code: string) {
    return this.page.getByTestId(`reason-row-${code}`);
  }

  /** One of the admin's own reasons, by its label (its code is made up by the server). */
  customReason(label: string) {
    return this.page.locator(`[data-testid^="reason-row-custom:"][data-label="${label}"]`);
  }

  reasonInput(row: Locator, name: "label" | "maxMinutes" | "limited") {
    return row.locator(`input[name="${name}"]`);
  }

  /** Changes a reason row and saves it (the row's inputs belong to the form in its last cell). */
  async saveReason(row: Locator, values: { maxMinutes?: string; limited?: boolean }) {
    if (values.maxMinutes !== undefined) await this.reasonInput(row, "maxMinutes").fill(values.maxMinutes);
    if (values.limited !== undefined) await this.reasonInput(row, "limited").setChecked(values.limited);
    await row.getByTestId("save-reason").click();
  }

  async removeReason(row: Locator) {
    await row.getByTestId("remove-reason").click();
  }

  // Shifts

  get addShiftForm() {
    return this.page.getByTestId("add-shift-form");
  }

  /** `days` are ISO weekdays: 1 = Monday … 7 = Sunday. */
  async addShift(shift: { username: string; days: number[]; start: string; end: string }) {
    const form = this.addShiftForm;
    const user = form.getByTestId("select-userId");
    // Options are labelled "Display Name (username)" and valued by user id.
    const value = await user.locator("option", { hasText: `(${shift.username})` }).getAttribute("value");
    await user.selectOption(value!);
    for (let day = 1; day <= 7; day++) await form.getByTestId(`day-${day}`).setChecked(shift.days.includes(day));
    await form.locator('input[name="start"]').fill(shift.start);
    await form.locator('input[name="end"]').fill(shift.end);
    await form.getByTestId("add-shift").click();
  }

  shiftsOf(username: string) {
    return this.page.locator(`[data-testid="shift-row"][data-username="${username}"]`);
  }

  /** A field's validation message (`error-<field>`) inside a form or row. */
  fieldError(scope: Locator, field: string) {
    return scope.getByTestId(`error-${field}`);
  }

  notice(scope: Locator) {
    return scope.getByTestId("notice");
  }
}
