import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../../playwright.config";
import { LoginPage } from "./pages/login-page";
import { QueuesPage } from "./pages/queues-page";
import { USERS } from "./support/cli";

test("an admin creates a queue, sets its strategy and ring timeout with field errors, and adds a member", async ({ page }) => {
  await new LoginPage(page).loginAs(E2E_ADMIN.username, E2E_ADMIN.password);
  await page.getByTestId("nav-queues").click();
  const queues = new QueuesPage(page);
  await expect(queues.page.getByTestId("queues-table")).toBeVisible();
  await queues.create("Complaints");

  await queues.saveSettings({ strategy: "round-robin", inputs: { ringTimeoutS: "0" } });
  await expect(queues.settingsError("ringTimeoutS")).toHaveText("Enter a whole number of seconds from 5 to 300.");
  // Nothing was saved, and what was typed is still there to correct.
  await expect(queues.settingSelect("strategy")).toHaveValue("round-robin");
  await expect(queues.settingInput("ringTimeoutS")).toHaveValue("0");

  await queues.saveSettings({ inputs: { ringTimeoutS: "15" } });
  await expect(queues.settingsNotice()).toHaveText("Settings saved.");
  await expect(queues.settingsError("ringTimeoutS")).toHaveCount(0);

  await queues.addMember(USERS.operator.username, 2);
  await expect(queues.member(USERS.operator.username).getByTestId("member-level")).toHaveValue("2");

  await page.reload();
  await expect(queues.settingSelect("strategy")).toHaveValue("round-robin");
  await expect(queues.settingInput("ringTimeoutS")).toHaveValue("15");
  await expect(queues.member(USERS.operator.username).getByTestId("member-level")).toHaveValue("2");

  await queues.goto();
  await expect(queues.row("Complaints").getByTestId("queue-strategy")).toHaveText("Round robin");
  await expect(queues.row("Complaints").getByTestId("queue-members")).toHaveText("1");
});
