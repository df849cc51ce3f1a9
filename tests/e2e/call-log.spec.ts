import { expect, test } from "@playwright/test";
import ExcelJS from "exceljs";
import { DateTime } from "luxon";
import { E2E_SIP_PORT } from "../../playwright.config";
import { runSipp } from "../support/sipp";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

test("a supervisor finds an abandoned call in the log, opens its timeline, exports it, and reads the review; operators and strangers are kept out", async ({ page, browser, playwright }) => {
  test.setTimeout(90_000);
  await cli("queue", "add", "Reports");
  await cli("number", "add", "2170", "--queue", "Reports", "--label", "Flyer");
  // Nobody serves Reports: the caller waits 6 s, then hangs up (an abandon, past the 5 s short-abandon threshold).
  const sipp = await runSipp("caller-hangs-up-while-queued.xml", `127.0.0.1:${E2E_SIP_PORT}`, { service: "2170", holdMs: 6000, timeoutS: 30 });
  expect(sipp.code, sipp.stdout.slice(-1500) + sipp.stderr).toBe(0);
  const today = DateTime.now().toISODate()!;

  await new LoginPage(page).loginAs(USERS.supervisor.username, USERS.supervisor.password);
  await page.getByTestId("nav-calls").click();
  await expect(page).toHaveURL(/\/calls$/);
  await page.locator("#filter-number").selectOption("Flyer");
  await page.locator("#filter-outcome").selectOption("abandoned");
  await page.getByTestId("apply-filters").click();
  await expect(page).toHaveURL(/number=Flyer/);
  const rows = page.getByTestId("call-row");
  await expect.poll(async () => {
    await page.reload();
    return rows.count();
  }, { timeout: 10_000 }).toBe(1);
  await expect(rows.first().getByTestId("call-caller")).toContainText("+15550001111");
  await expect(rows.first()).toContainText("Reports");
  await expect(rows.first().getByTestId("call-wait")).toHaveText(/^0:0[5-9]$/);

  await rows.first().getByTestId("call-link").click();
  await expect(page.getByTestId("fact-outcome")).toContainText("Abandoned");
  await expect(page.getByTestId("timeline-event").first()).toHaveAttribute("data-type", "call.arrived");
  await expect(page.getByTestId("no-recording")).toBeVisible();

  // The export of the same filter: one call under a header row, its wait a time value.
  const xlsx = await page.request.get(`/api/calls/export?from=${today}&to=${today}&number=Flyer&format=xlsx`);
  expect(xlsx.status()).toBe(200);
  expect(xlsx.headers()["content-type"]).toContain("spreadsheetml");
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
  const sheet = book.worksheets[0]!;
  expect(sheet.rowCount).toBe(2);
  expect(sheet.getRow(1).getCell(1).value).toBe("Arrived");
  expect(sheet.getRow(2).getCell(1).value).toBeInstanceOf(Date);
  const csv = await page.request.get(`/api/calls/export?from=${today}&to=${today}&number=Flyer&format=csv`);
  const text = await csv.text();
  expect(text.charCodeAt(0)).toBe(0xfeff);
  expect(text.trim().split("\r\n")).toHaveLength(2);
  expect(text).toContain("'+15550001111");

  const summary = await (await page.request.get(`/api/reports/summary?from=${today}&to=${today}&queue=Reports`)).json();
  expect(summary).toMatchObject({ offered: 1, answered: 0, abandoned: 1, shortAbandoned: 0, serviceLevel: 0, abandonRate: 1, asaSeconds: null, ahtSeconds: null });

  await page.getByTestId("nav-reports").click();
  await expect(page.getByTestId("page-title")).toHaveText("Reports");
  // The wait distribution as a chart (Chart.js, loaded on demand) above its table.
  await expect(page.getByTestId("chart-wait-bands").locator("canvas")).toBeVisible();
  await page.goto(`/reports/review?from=${today}&to=${today}&queue=Reports`);
  await expect(page.getByTestId("weakness").filter({ hasText: "Service level 0%" })).toHaveCount(1);
  await expect(page.getByTestId("strength").filter({ hasText: "Number 2170 (Flyer) brought 1 call," })).toHaveCount(1);

  // An operator sees only their own calls, and none of the supervisors' exports or reports.
  const operator = await browser.newContext();
  const operatorPage = await operator.newPage();
  await new LoginPage(operatorPage).loginAs(USERS.operator.username, USERS.operator.password);
  await operatorPage.goto("/calls?number=Flyer");
  await expect(operatorPage.getByTestId("calls-table-empty")).toBeVisible();
  await expect(operatorPage.getByTestId("export-xlsx")).toHaveCount(0);
  expect((await operatorPage.request.get(`/api/calls/export?from=${today}&to=${today}&format=csv`)).status()).toBe(403);
  expect((await operatorPage.request.get(`/api/reports/summary?from=${today}&to=${today}`)).status()).toBe(403);
  expect(await (await operatorPage.request.get("/api/calls?number=Flyer")).json()).toEqual([]);
  expect((await operatorPage.goto("/reports"))?.status()).toBe(403);
  await operator.close();

  const stranger = await playwright.request.newContext({ baseURL: page.url() });
  expect((await stranger.get(`/api/calls/export?from=${today}&to=${today}&format=xlsx`)).status()).toBe(401);
  expect((await stranger.get("/api/reports/summary")).status()).toBe(401);
  expect((await stranger.get("/api/calls")).status()).toBe(401);
  await stranger.dispose();
});
