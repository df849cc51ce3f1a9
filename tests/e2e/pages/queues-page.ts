import { expect, type Page } from "@playwright/test";

/** The admin's queue list (/admin/queues) and one queue's settings page (/admin/queues/[id]). */
export class QueuesPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/admin/queues");
    await expect(this.page.getByTestId("queues-table")).toBeVisible();
  }

  /** Creating a queue opens its settings page. */
  async create(name: string) {
    const form = this.page.getByTestId("create-queue-form");
    await form.locator('input[name="name"]').fill(name);
    await form.getByTestId("create-queue").click();
    await expect(this.page).toHaveURL(/\/admin\/queues\/\d+$/);
    await expect(this.page.getByTestId("page-title")).toHaveText(name);
  }

  row(name: string) {
    return this.page.getByTestId(`queue-row-${name}`);
  }

  get settings() {
    return this.page.getByTestId("queue-settings-form");
  }

  settingInput(name: string) {
    return this.settings.locator(`input[name="${name}"]`);
  }

  settingSelect(name: string) {
    return this.settings.getByTestId(`select-${name}`);
  }

  async saveSettings(values: { strategy?: string; inputs?: Record<string, string> }) {
    if (values.strategy) await this.settingSelect("strategy").selectOption(values.strategy);
    for (const [name, value] of Object.entries(values.inputs ?? {})) await this.settingInput(name).fill(value);
    await this.settings.getByTestId("save-queue").click();
  }

  settingsError(field: string) {
    return this.settings.getByTestId(`error-${field}`);
  }

  settingsNotice() {
    return this.settings.getByTestId("notice");
  }

  async addMember(username: string, level: number) {
    const form = this.page.getByTestId("add-member-form");
    const user = form.getByTestId("select-userId");
    // Options are labelled "Display Name (username)" and valued by user id.
    const value = await user.locator("option", { hasText: `(${username})` }).getAttribute("value");
    await user.selectOption(value!);
    await form.getByTestId("select-level").selectOption(String(level));
    await form.getByTestId("add-member").click();
  }

  member(username: string) {
    return this.page.getByTestId(`member-row-${username}`);
  }
}
