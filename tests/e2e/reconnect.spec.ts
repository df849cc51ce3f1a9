import { expect, test } from "@playwright/test";
import { LoginPage } from "./pages/login-page";
import { USERS } from "./support/cli";

test("the softphone registers again after its connection drops", async ({ page }) => {
  test.setTimeout(90_000);
  // Keep a handle on the page's WebSockets so the test can cut the SIP one as a network drop would
  // (Chromium's offline emulation leaves open loopback sockets alone).
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const sockets: WebSocket[] = [];
    (window as unknown as { __sockets: WebSocket[] }).__sockets = sockets;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    } as typeof WebSocket;
  });
  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const registration = page.getByTestId("sip-registration");
  await expect(registration).toHaveText("registered", { timeout: 15_000 });

  const cut = await page.evaluate(() => {
    const sip = (window as unknown as { __sockets: WebSocket[] }).__sockets.filter((s) => s.url.endsWith("/sip") && s.readyState === WebSocket.OPEN);
    sip.forEach((s) => s.close(4000, "test: network drop"));
    return sip.length;
  });
  expect(cut).toBe(1);
  await expect(registration).not.toHaveText("registered", { timeout: 10_000 });
  await expect(registration).toHaveText("registered", { timeout: 45_000 });
  await expect(page.getByTestId("operator-status")).toHaveText("paused");
});
