import { expect, test } from "@playwright/test";
import { LoginPage } from "./pages/login-page";
import { USERS } from "./support/cli";

test("switching to Arabic flips the page to right-to-left and is remembered for the user", async ({ page, browser }) => {
  const login = new LoginPage(page);
  await login.loginAs(USERS.operator.username, USERS.operator.password);
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");

  await page.getByTestId("language-select").selectOption("ar");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
  await expect(page.getByTestId("page-title")).toHaveText("مكتب موظف الرد");
  // Logical properties put the header's end-aligned controls on the left in RTL.
  const logout = await page.getByTestId("logout").boundingBox();
  const title = await page.getByText("Hotline").first().boundingBox();
  expect(logout!.x).toBeLessThan(title!.x);

  // Another browser (no language cookie, English Accept-Language) gets the user's choice at login.
  const other = await browser.newContext({ locale: "en-US" });
  const otherPage = await other.newPage();
  await new LoginPage(otherPage).loginAs(USERS.operator.username, USERS.operator.password);
  await expect(otherPage.locator("html")).toHaveAttribute("dir", "rtl");
  await other.close();

  await page.getByTestId("language-select").selectOption("en");
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
});

test("the login page follows the browser's language", async ({ browser }) => {
  const context = await browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  await page.goto("/login");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Connexion");
  await context.close();
});
