/**
 * The review of a period (the how-to's one-week analysis): plain statements of the hotline's strengths and
 * weaknesses, each with the figures that prove it, picked from a {@link CallReport}. Pure: the page translates
 * each statement's `key` (messages `review.statements.*`) and formats its values by their kind.
 *
 * Rules (thresholds are constants here so the statements stay explainable):
 * - service level at or above the target: strength, else weakness;
 * - abandon rate up to 5 %: strength, above: weakness;
 * - each hour where Erlang C needs more operators than were logged in (average): weakness, worst first (at most
 *   {@link MAX_HOURS}); none: strength; an hour that is not over yet (`ongoing`) is not judged: its calls and
 *   logged-in time are partial;
 * - calls that came outside opening hours (outcome `closed`): weakness, with the hour most tried;
 * - a topic whose AHT is 25 % above the overall AHT (at least 10 calls): weakness; a topic where 20 % or more of
 *   calls ended "could not help": weakness;
 * - answered calls per operator within a factor 1.5 of each other: strength, else weakness;
 * - open callback requests: weakness; the number/campaign that brought most calls: strength.
 */
import type { CallReport } from "./call-report";

export const ABANDON_RATE_LIMIT = 0.05;
export const LONG_TOPIC_FACTOR = 1.25;
export const COULD_NOT_HELP_SHARE = 0.2;
export const FAIRNESS_RATIO = 1.5;
export const MAX_HOURS = 5;

/** A value of a statement, with how to show it: a share 0..1, seconds, a count, a local hour slot "YYYY-MM-DDTHH", a weekday, text. */
export type StatementValue =
  | { kind: "percent"; value: number }
  | { kind: "seconds"; value: number }
  | { kind: "count"; value: number }
  | { kind: "slot"; value: string }
  /** ISO weekday, 1 = Monday. */
  | { kind: "weekday"; value: number }
  | { kind: "text"; value: string };

export interface Statement {
  /** Message key under `review.statements`. */
  key: string;
  values: Record<string, StatementValue>;
}

export interface Review {
  strengths: Statement[];
  weaknesses: Statement[];
}

/**
 * An hour where Erlang C needs more operators than were logged in (`needed` null: not sized, no AHT). An hour not
 * over yet (`ongoing`) is never understaffed: a few minutes of it would read as an under-staffed hour. The review's
 * weaknesses and the report page's staffing table both mark hours by this.
 */
export function isUnderstaffed(hour: { needed: number | null; loggedIn: number; ongoing?: boolean }): boolean {
  return !hour.ongoing && hour.needed !== null && hour.needed > hour.loggedIn;
}

const percent = (value: number): StatementValue => ({ kind: "percent", value });
const seconds = (value: number): StatementValue => ({ kind: "seconds", value });
const count = (value: number): StatementValue => ({ kind: "count", value });
const text = (value: string): StatementValue => ({ kind: "text", value });

/** The statements of a report; nothing is said about what the period has no calls for. */
export function reviewOf(report: CallReport): Review {
  const strengths: Statement[] = [];
  const weaknesses: Statement[] = [];
  const s = report.summary;
  const target = report.targetLevel;
  const threshold = count(s.slThresholdSeconds);

  if (s.serviceLevel !== null) {
    const values = { level: percent(s.serviceLevel), target: percent(target), answered: count(s.answeredWithinThreshold), reached: count(s.answered + s.abandoned), threshold, asa: seconds(s.asaSeconds ?? 0) };
    (s.serviceLevel >= target ? strengths : weaknesses).push({ key: s.serviceLevel >= target ? "serviceLevelMet" : "serviceLevelMissed", values });
  }
  if (s.abandonRate !== null) {
    const values = { rate: percent(s.abandonRate), abandoned: count(s.abandoned), short: count(s.shortAbandoned), wait: seconds(s.averageAbandonWaitSeconds ?? 0) };
    if (s.abandonRate <= ABANDON_RATE_LIMIT) strengths.push({ key: "abandonLow", values });
    else weaknesses.push({ key: "abandonHigh", values });
  }

  // Sized only once calls were handled: without an AHT, Erlang C has nothing to size with.
  // An hour not over yet is not judged: a few minutes of it would read as an under-staffed hour.
  const sized = report.staffing.filter((hour): hour is typeof hour & { needed: number } => hour.needed !== null && !hour.ongoing);
  const short = sized.filter(isUnderstaffed).sort((a, b) => b.needed - b.loggedIn - (a.needed - a.loggedIn) || a.slot.localeCompare(b.slot));
  for (const hour of short.slice(0, MAX_HOURS)) {
    weaknesses.push({
      key: "understaffedHour",
      values: { slot: { kind: "slot", value: hour.slot }, calls: count(hour.offered), aht: seconds(s.ahtSeconds ?? 0), needed: count(hour.needed), loggedIn: count(hour.loggedIn), target: percent(target), threshold },
    });
  }
  if (short.length > MAX_HOURS) weaknesses.push({ key: "understaffedMore", values: { more: count(short.length - MAX_HOURS) } });
  if (short.length === 0 && sized.length > 0) strengths.push({ key: "staffedEveryHour", values: { hours: count(sized.length), target: percent(target), threshold } });

  if (s.closed > 0) {
    const busiest = [...report.byWeekdayHour].sort((a, b) => b.closed - a.closed || a.key.localeCompare(b.key))[0]!;
    const [weekday, hour] = busiest.key.split("-");
    weaknesses.push({ key: "outsideHours", values: { count: count(s.closed), weekday: { kind: "weekday", value: Number(weekday) }, hour: count(Number(hour)), atThatHour: count(busiest.closed) } });
  }

  const overall = s.ahtSeconds ?? 0;
  for (const topic of report.byTopic.filter((row) => row.key !== "")) {
    if (overall > 0 && topic.ahtSeconds !== null && topic.answered >= 10 && topic.ahtSeconds > overall * LONG_TOPIC_FACTOR) {
      weaknesses.push({ key: "longTopic", values: { topic: text(topic.key), aht: seconds(topic.ahtSeconds), overall: seconds(overall), calls: count(topic.answered) } });
    }
    if (topic.answered >= 10 && topic.couldNotHelp / topic.answered >= COULD_NOT_HELP_SHARE) {
      weaknesses.push({ key: "couldNotHelp", values: { topic: text(topic.key), share: percent(topic.couldNotHelp / topic.answered), count: count(topic.couldNotHelp), calls: count(topic.answered) } });
    }
  }

  const loads = report.byOperator.filter((row) => row.answered > 0).sort((a, b) => b.answered - a.answered);
  if (loads.length >= 2) {
    const most = loads[0]!;
    const least = loads.at(-1)!;
    const values = { operators: count(loads.length), most: text(most.name), max: count(most.answered), least: text(least.name), min: count(least.answered) };
    if (most.answered <= least.answered * FAIRNESS_RATIO) strengths.push({ key: "loadBalanced", values });
    else weaknesses.push({ key: "loadUnbalanced", values });
  }

  const open = report.callbacks.requested - report.callbacks.done;
  if (open > 0) weaknesses.push({ key: "callbacksOpen", values: { open: count(open), requested: count(report.callbacks.requested) } });

  const topNumber = [...report.byNumber].sort((a, b) => b.calls - a.calls)[0];
  if (topNumber && s.calls > 0) {
    strengths.push({ key: "topNumber", values: { number: text(topNumber.key), label: text(topNumber.label ?? "—"), calls: count(topNumber.calls), share: percent(topNumber.calls / s.calls) } });
  }
  return { strengths, weaknesses };
}
