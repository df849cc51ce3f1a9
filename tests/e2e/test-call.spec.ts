import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../../playwright.config";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

async function callerPackets(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pc = window.__hotlineCallerPeerConnection;
    let packets = 0;
    (await pc?.getStats())?.forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "audio") packets += r.packetsReceived ?? 0;
    });
    return packets;
  });
}

test("the demo path: an admin calls a hotline number from the browser and an operator answers in another browser", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await cli("queue", "add", "Demo");
  await cli("number", "add", "4000", "--queue", "Demo");
  await cli("queue", "member", "Demo", USERS.operator.username);

  const operatorContext = await browser.newContext();
  const operatorPage = await operatorContext.newPage();
  await new LoginPage(operatorPage).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(operatorPage);
  await desk.goAvailable();

  await new LoginPage(page).loginAs(E2E_ADMIN.username, E2E_ADMIN.password);
  await page.getByTestId("nav-testCall").click();
  await page.getByTestId("test-call-number").selectOption("4000");
  await page.getByTestId("test-call-start").click();
  await expect(page.getByTestId("test-call-state")).toHaveText("connected", { timeout: 15_000 });
  // Waiting in the queue, the caller hears the greeting and music.
  await expect.poll(() => callerPackets(page), { timeout: 15_000 }).toBeGreaterThan(50);

  await expect(desk.incomingCall()).toContainText(`test:${E2E_ADMIN.username}`, { timeout: 15_000 });
  await desk.answer();
  await expect.poll(async () => (await desk.audioStats()).packetsReceived, { timeout: 15_000 }).toBeGreaterThan(100);
  const before = await callerPackets(page);
  await expect.poll(() => callerPackets(page), { timeout: 10_000 }).toBeGreaterThan(before + 50);

  await page.getByTestId("test-call-hangup").click();
  await expect(page.getByTestId("test-call-state")).toHaveText("ended");
  await expect(desk.callState()).toHaveText("idle", { timeout: 10_000 });
  await operatorContext.close();
});
