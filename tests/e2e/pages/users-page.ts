import { expect, type Page } from "@playwright/test";

export class UsersPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/admin/users");
    await expect(this.page.getByTestId("users-table")).toBeVisible();
  }

  async create(user: { username: string; displayName?: string; role: string; password: string }) {
    const form = this.page.getByTestId("create-user-form");
    await form.locator('input[name="username"]').fill(user.username);
    await form.locator('input[name="displayName"]').fill(user.displayName ?? "");
    await form.getByTestId("new-user-role").selectOption(user.role);
    await form.locator('input[name="password"]').fill(user.password);
    await form.getByTestId("create-user").click();
  }

  fieldError(field: string) {
    return this.page.getByTestId("create-user-form").getByTestId(`error-${field}`);
  }

  row(username: string) {
    return this.page.getByTestId(`user-row-${username}`);
  }
}
