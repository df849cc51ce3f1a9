import { describe, expect, it } from "vitest";
import { LOCALES } from "../../../server/i18n/locales";
import { MESSAGES } from "../../../server/i18n/messages";

type Messages = {
  nav: { outbound: string };
  queues: { addNumber: string };
  testCall: { noNumbers: string };
  formChecks: { forwardNotAllowed: string };
};

/** Messages that send the admin somewhere name the page and form that exist, by the labels the admin sees. */
describe.each(LOCALES)("messages that point at a form, in %s", (locale) => {
  const m = MESSAGES[locale] as unknown as Messages;

  it("no hotline number yet: the queue page's Add number form, not the command line", () => {
    expect(m.testCall.noNumbers).not.toMatch(/number add|command|commande|الأوامر/);
    expect(m.testCall.noNumbers).toContain(m.queues.addNumber);
  });

  it("a forward the allow-list refuses: the Outbound calls page, and the command for the command line", () => {
    expect(m.formChecks.forwardNotAllowed).toContain(m.nav.outbound);
    expect(m.formChecks.forwardNotAllowed).toContain("npm run cli -- outbound allow");
  });
});
