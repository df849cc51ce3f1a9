import { expect, test } from "@playwright/test";
import { E2E_SIP_PORT } from "../../playwright.config";
import { runSipp } from "../support/sipp";
import { CallbacksPage } from "./pages/callbacks-page";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

test("a caller who waits past the queue's maximum leaves a callback request, which an operator closes once called back", async ({ page }) => {
  test.setTimeout(90_000);
  await cli("queue", "add", "Returns");
  await cli("queue", "set", "Returns", "--max-wait", "10", "--max-wait-action", "callback");
  await cli("number", "add", "2200", "--queue", "Returns");

  // Nobody serves Returns: after 10 s the caller hears that their number was noted, and the server hangs up.
  const sipp = await runSipp("answered-call-operator-hangs-up.xml", `127.0.0.1:${E2E_SIP_PORT}`, { service: "2200", timeoutS: 45 });
  expect(sipp.code, sipp.stdout.slice(-1500) + sipp.stderr).toBe(0);

  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const callbacks = new CallbacksPage(page);
  await page.getByTestId("nav-callbacks").click();
  await expect(page).toHaveURL(/\/callbacks$/);
  const row = callbacks.rowFor("+15550001111");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Returns");

  await callbacks.markDone("+15550001111");
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId("callbacks-table-empty")).toBeVisible();
});
