import { expect, type Page } from "@playwright/test";

export class LoginPage {
  constructor(readonly page: Page) {}

  async goto(path = "/login") {
    await this.page.goto(path);
  }

  async login(username: string, password: string) {
    await this.page.locator('input[name="username"]').fill(username);
    await this.page.locator('input[name="password"]').fill(password);
    await this.page.getByTestId("login-submit").click();
  }

  /** Logs in and waits to leave the login page. */
  async loginAs(username: string, password: string) {
    await this.goto();
    await this.login(username, password);
    await expect(this.page).not.toHaveURL(/\/login/);
  }

  error() {
    return this.page.getByTestId("login-error");
  }

  async logout() {
    await this.page.getByTestId("logout").click();
    await expect(this.page).toHaveURL(/\/login\?loggedOut=1/);
  }
}
