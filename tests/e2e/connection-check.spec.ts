import { expect, test } from "@playwright/test";
import { LoginPage } from "./pages/login-page";
import { USERS } from "./support/cli";

test("pre-call check: the operator's microphone loops through rtpengine and back, with round trip and loss measured", async ({ page }) => {
  test.setTimeout(60_000);
  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  await page.locator("summary", { hasText: "Audio devices" }).click();
  await page.getByTestId("loopback-check").click();
  const result = page.getByTestId("loopback-result");
  await expect(result).toBeVisible({ timeout: 20_000 });
  // Chromium's fake microphone sends 50 packets a second for the 4 s the check lasts: most must come back.
  expect(Number(await result.getAttribute("data-received"))).toBeGreaterThan(100);
  // On loopback nothing is lost and the round trip (reported by the receiver through rtpengine) is a few ms.
  expect(Number(await result.getAttribute("data-loss"))).toBeLessThan(2);
  const rtt = await result.getAttribute("data-rtt");
  expect(rtt).not.toBe("");
  expect(Number(rtt)).toBeLessThan(300);
  await expect(result).toContainText("Your connection is fine for calls.");
});
