import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../../playwright.config";
import { LoginPage } from "./pages/login-page";
import { UsersPage } from "./pages/users-page";
import { USERS } from "./support/cli";

test("an admin creates an operator, who logs in and is refused the admin and supervisor pages", async ({ page, browser }) => {
  const login = new LoginPage(page);
  await login.loginAs(E2E_ADMIN.username, E2E_ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/users$/);

  const users = new UsersPage(page);
  await users.create({ username: "x y", role: "operator", password: "short" });
  await expect(users.fieldError("username")).toHaveText("Use only letters, digits, dots, dashes and underscores.");
  await expect(users.fieldError("password")).toHaveText("Use 8 to 200 characters.");

  await users.create({ username: "nadia", displayName: "Nadia Haddad", role: "operator", password: "nadia-password-1" });
  await expect(page.getByTestId("notice")).toHaveText("User nadia created.");
  await expect(users.row("nadia")).toContainText("Nadia Haddad");

  const operatorContext = await browser.newContext();
  const operatorPage = await operatorContext.newPage();
  const operatorLogin = new LoginPage(operatorPage);
  await operatorLogin.loginAs("nadia", "nadia-password-1");
  await expect(operatorPage).toHaveURL(/\/desk$/);
  await expect(operatorPage.getByTestId("nav-users")).toHaveCount(0);

  for (const path of ["/admin/users", "/board"]) {
    const response = await operatorPage.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(operatorPage.getByTestId("forbidden")).toBeVisible();
  }
  const api = await operatorPage.request.get("/api/users");
  expect(api.status()).toBe(403);
  expect((await operatorPage.request.get("/api/me")).status()).toBe(200);
  await operatorContext.close();
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.login(USERS.operator.username, "not-the-password");
  await expect(login.error()).toHaveText("Wrong username or password.");
  await expect(page).toHaveURL(/\/login/);
  await login.login("", "");
  await expect(page.getByTestId("error-username")).toHaveText("This field is required.");
});

test("each role lands on its own page after logging in", async ({ page }) => {
  const login = new LoginPage(page);
  for (const [user, home] of [
    [USERS.operator, /\/desk$/],
    [USERS.supervisor, /\/board$/],
    [E2E_ADMIN, /\/admin\/users$/],
  ] as const) {
    await login.loginAs(user.username, user.password);
    await expect(page).toHaveURL(home);
    await login.logout();
  }
});

test("a signed-out visitor is sent to the login page and back to where they were going", async ({ page }) => {
  await page.goto("/board");
  await expect(page).toHaveURL(/\/login\?next=%2Fboard/);
  expect((await page.request.get("/api/me")).status()).toBe(401);
  await new LoginPage(page).login(USERS.supervisor.username, USERS.supervisor.password);
  await expect(page).toHaveURL(/\/board$/);
});

test("the supervisor's board shows an operator coming online and leaving, live", async ({ page, browser }) => {
  await new LoginPage(page).loginAs(USERS.supervisor.username, USERS.supervisor.password);
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "connected");
  await expect(page.getByTestId(`presence-${USERS.operator.username}`)).toHaveCount(0);

  const operatorContext = await browser.newContext();
  const operatorPage = await operatorContext.newPage();
  await new LoginPage(operatorPage).loginAs(USERS.operator.username, USERS.operator.password);
  await expect(operatorPage.getByTestId("connection-state")).toHaveAttribute("data-state", "connected");

  await expect(page.getByTestId(`presence-${USERS.operator.username}`)).toBeVisible();
  await operatorContext.close();
  await expect(page.getByTestId(`presence-${USERS.operator.username}`)).toHaveCount(0);
});
