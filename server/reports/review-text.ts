/**
 * A review statement as a sentence in the reader's language: its message (`review.statements.<key>`) with each
 * value formatted by kind (percent with one decimal, durations as "4 min 10 s", hour slots as
 * "Tuesday 2026-11-03, 10:00–11:00"). Counts stay numbers (rounded to one decimal): the messages choose their
 * plural forms by them (ICU `{calls, plural, one {# call} other {# calls}}`, Arabic's zero/one/two/few/many/other
 * included, CLDR plural rules) and format them with the locale's digits and grouping.
 */
import type { Statement, StatementValue } from "./week-review";

/** The translator of messages `reports.*` and `review.*` (next-intl's `t` or use-intl's createTranslator). */
export type ReviewTranslator = (key: string, values?: Record<string, string | number>) => string;

/** "4 min 10 s" (or "50 s", or "2 h 5 min" from an hour on) in the reader's language. */
export function durationText(seconds: number, t: ReviewTranslator, locale: string): string {
  const total = Math.round(seconds);
  const number = new Intl.NumberFormat(locale);
  if (total < 60) return t("reports.durationSeconds", { seconds: number.format(total) });
  if (total >= 3600) return t("reports.durationHours", { hours: number.format(Math.floor(total / 3600)), minutes: number.format(Math.floor((total % 3600) / 60)) });
  return t("reports.durationMinutes", { minutes: number.format(Math.floor(total / 60)), seconds: number.format(total % 60) });
}

/** An hour slot "YYYY-MM-DDTHH" as weekday, day and hour range. */
export function slotText(slot: string, t: ReviewTranslator): string {
  const [day, hour] = slot.split("T");
  const date = new Date(`${day}T12:00:00Z`);
  const weekday = ((date.getUTCDay() + 6) % 7) + 1;
  const start = Number(hour);
  return t("reports.slot", { weekday: t(`reports.weekdaysLong.${weekday}`), day: day!, start: String(start).padStart(2, "0"), end: String((start + 1) % 24).padStart(2, "0") });
}

function valueText(value: StatementValue, t: ReviewTranslator, locale: string): string | number {
  switch (value.kind) {
    case "percent":
      return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(value.value);
    case "seconds":
      return durationText(value.value, t, locale);
    case "count":
      return Math.round(value.value * 10) / 10;
    case "slot":
      return slotText(value.value, t);
    case "weekday":
      return t(`reports.weekdaysLong.${value.value}`);
    case "text":
      return value.value;
  }
}

/** The statement's sentence. */
export function statementText(statement: Statement, t: ReviewTranslator, locale: string): string {
  const values = Object.fromEntries(Object.entries(statement.values).map(([name, value]) => [name, valueText(value, t, locale)]));
  return t(`review.statements.${statement.key}`, values);
}
