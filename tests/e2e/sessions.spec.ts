import { expect, test } from "@playwright/test";
import { E2E_ADMIN, E2E_PORT } from "../../playwright.config";
import { LoginPage } from "./pages/login-page";
import { USERS } from "./support/cli";

const ORIGIN = `http://127.0.0.1:${E2E_PORT}`;

test("logging out in one tab closes the desk open in another tab of the same browser", async ({ context }) => {
  const first = await context.newPage();
  await new LoginPage(first).loginAs(USERS.secondOperator.username, USERS.secondOperator.password);
  const second = await context.newPage();
  await second.goto("/desk");
  await expect(second.getByTestId("sip-registration")).toHaveText("registered", { timeout: 15_000 });

  await new LoginPage(first).logout();
  // The server ends the session's sockets and tells the desk why: the other tab goes to the login page.
  await expect(second).toHaveURL(/\/login/, { timeout: 10_000 });
});

test("a next parameter that a browser would read as another site leads to the home page", async ({ page }) => {
  await page.goto("/login?next=%2F%09%2Fevil.example%2F");
  await new LoginPage(page).login(USERS.operator.username, USERS.operator.password);
  await expect(page).toHaveURL(`${ORIGIN}/desk`);
});

test("the JSON API refuses what a cross-site page can send with an administrator's cookie", async ({ page }) => {
  await new LoginPage(page).loginAs(E2E_ADMIN.username, E2E_ADMIN.password);
  const user = (name: string) => JSON.stringify({ username: name, role: "admin", password: `${name}-long-secret-1` });
  const textPlain = await page.request.post("/api/users", { headers: { "content-type": "text/plain", origin: ORIGIN }, data: user("mallory") });
  expect(textPlain.status()).toBe(415);
  const sibling = await page.request.post("/api/users", {
    headers: { "content-type": "application/json", origin: "http://evil.127.0.0.1.nip.example" },
    data: user("mallory"),
  });
  expect(sibling.status()).toBe(403);
  const sameOrigin = await page.request.post("/api/users", { headers: { "content-type": "application/json", origin: ORIGIN }, data: user("trusted") });
  expect(sameOrigin.status()).toBe(201);
});

test("health details are for administrators; anyone sees only whether each part is up", async ({ page, playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: ORIGIN });
  const open = await (await anonymous.get("/api/health")).json();
  expect(Object.keys(open).sort()).toEqual(["parts", "status"]);
  for (const part of Object.values(open.parts as Record<string, object>)) expect(Object.keys(part)).toEqual(["ok"]);
  await anonymous.dispose();

  await new LoginPage(page).loginAs(E2E_ADMIN.username, E2E_ADMIN.password);
  const full = await (await page.request.get("/api/health")).json();
  expect(full.uptimeS).toBeGreaterThanOrEqual(0);
  expect(full.parts.database.kind).toBe("pglite");
});
