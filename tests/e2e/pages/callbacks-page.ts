import type { Page } from "@playwright/test";

/** The callback list (/callbacks): callers who left their number, and "called back". */
export class CallbacksPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/callbacks");
  }

  rowFor(number: string) {
    return this.page.getByTestId("callback-row").filter({ hasText: number });
  }

  async markDone(number: string) {
    await this.rowFor(number).getByTestId("callback-done").click();
  }
}
