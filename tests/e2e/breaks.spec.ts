import { expect, test, type Browser } from "@playwright/test";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

async function openDesk(browser: Browser, user: { username: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await new LoginPage(page).loginAs(user.username, user.password);
  return { context, desk: new DeskPage(page) };
}

test("a break beyond the queue's limit waits in line, the operator and the supervisor see it, and it starts when a slot frees", async ({ browser }) => {
  test.setTimeout(90_000);
  await cli("queue", "add", "Breakroom");
  await cli("queue", "set", "Breakroom", "--max-on-break", "1");
  await cli("queue", "member", "Breakroom", USERS.operator.username);
  await cli("queue", "member", "Breakroom", USERS.secondOperator.username);

  const supervisor = await browser.newContext();
  const board = await supervisor.newPage();
  await new LoginPage(board).loginAs(USERS.supervisor.username, USERS.supervisor.password);
  const omarOnBoard = board.getByTestId(/^operator-row-/).filter({ hasText: USERS.secondOperator.username });

  const olga = await openDesk(browser, USERS.operator);
  const omar = await openDesk(browser, USERS.secondOperator);
  await olga.desk.goAvailable();
  await omar.desk.goAvailable();

  await olga.desk.pause("lunch");
  await expect(olga.desk.operatorStatus()).toHaveText("paused");

  // The one break slot is Olga's: Omar's break waits, and he keeps taking calls meanwhile.
  await omar.desk.pause("break");
  await expect(omar.desk.pendingPause()).toContainText("number 1 in line");
  await expect(omar.desk.operatorStatus()).toHaveText("available");
  await expect(omarOnBoard.getByTestId("operator-row-pending-pause")).toBeVisible();

  await olga.desk.goAvailable();
  await expect(omar.desk.operatorStatus()).toHaveText("paused");
  await expect(omar.desk.page.getByTestId("status-reason")).toBeVisible();
  await expect(omar.desk.pendingPause()).toHaveCount(0);
  await expect(omarOnBoard.getByTestId("operator-row-status")).toHaveAttribute("data-status", "paused");
  await expect(omarOnBoard.getByTestId("operator-row-pending-pause")).toHaveCount(0);

  await omar.desk.goAvailable();
  await Promise.all([olga.context.close(), omar.context.close(), supervisor.close()]);
});
