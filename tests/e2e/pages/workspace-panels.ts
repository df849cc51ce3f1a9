import { expect, type Page } from "@playwright/test";

/** The desk's workspace panels around the phone: script, caller history, answers, directory, wrap-up. */
export class WorkspacePanels {
  constructor(readonly page: Page) {}

  script() {
    return this.page.getByTestId("script");
  }

  historyRows() {
    return this.page.getByTestId("caller-history").getByTestId("history-row");
  }

  /** History rows of calls to one queue (its name exactly). */
  historyRowsOf(queue: string) {
    return this.historyRows().filter({ has: this.page.getByTestId("history-queue").getByText(queue, { exact: true }) });
  }

  /** Types into the answers search box and returns the results it shows. */
  async searchAnswers(text: string) {
    await this.page.getByTestId("answers-search").fill(text);
    return this.page.getByTestId("answer-result");
  }

  async searchDirectory(text: string) {
    await this.page.getByTestId("directory-search").fill(text);
    return this.page.getByTestId("directory-result");
  }

  /** Fills the wrap-up form and presses Done. */
  async wrapUp(values: { topic: string; outcome: string; notes: string }) {
    await expect(this.page.getByTestId("wrap-up-topic")).toBeVisible();
    await this.page.getByTestId("wrap-up-topic").selectOption({ label: values.topic });
    await this.page.getByTestId("wrap-up-outcome").selectOption(values.outcome);
    await this.page.getByTestId("wrap-up-notes").fill(values.notes);
    await this.page.getByTestId("wrap-up-done").click();
  }
}
