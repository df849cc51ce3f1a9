/**
 * The period parameters of the reports, the review and their exports: `from` and `to` (YYYY-MM-DD, days in the
 * hotline's zone, `to` included) or a `preset` (today, yesterday, this-week, last-7-days, this-month,
 * last-month), and an optional `queue` (name). Without either, the last 7 days.
 */
import { z } from "zod";
import { PERIOD_PRESETS, periodOfDays, presetDays, type Period } from "./period";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "validation.date");

export const reportQuerySchema = z.object({
  from: day.optional(),
  to: day.optional(),
  preset: z.enum(PERIOD_PRESETS, "validation.invalid").optional(),
  queue: z.string().trim().max(100, "validation.tooLong").optional(),
});

/** Longest period a report covers (days): a year of calls is still one SQL pass, more is a mistake. */
export const MAX_REPORT_DAYS = 366;

export type ParsedReportQuery = { ok: true; period: Period; queue?: string; preset?: string } | { ok: false; errors: Record<string, string> };

/** Reads the parameters; errors are message keys per field. */
export function parseReportQuery(params: Record<string, string | undefined>, nowMs: number, zone: string): ParsedReportQuery {
  const present = Object.fromEntries(Object.entries(params).filter(([key, value]) => value !== undefined && value !== "" && key in reportQuerySchema.shape));
  const parsed = reportQuerySchema.safeParse(present);
  if (!parsed.success) return { ok: false, errors: Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0] ?? "query"), issue.message])) };
  const { from, to, preset, queue } = parsed.data;
  const days = from || to ? { from: from ?? to!, to: to ?? from! } : presetDays(preset ?? "last-7-days", nowMs, zone);
  let period: Period;
  try {
    period = periodOfDays(days.from, days.to, zone);
  } catch {
    return { ok: false, errors: { to: "validation.invalid" } };
  }
  if (period.to.getTime() - period.from.getTime() > (MAX_REPORT_DAYS + 1) * 86_400_000) return { ok: false, errors: { to: "validation.invalid" } };
  return { ok: true, period, queue: queue || undefined, preset: from || to ? undefined : (preset ?? "last-7-days") };
}

/**
 * The period a report page shows: the parameters' when valid, else the last 7 days (with the errors to show).
 * `nowMs` is the clock's time (defaults to now).
 */
export function reportScopeOf(
  params: Record<string, string | undefined>,
  zone: string,
  nowMs = Date.now(),
): { period: Period; queue?: string; preset?: string; errors?: Record<string, string> } {
  const parsed = parseReportQuery(params, nowMs, zone);
  if (parsed.ok) return parsed;
  const fallback = parseReportQuery({}, nowMs, zone);
  if (!fallback.ok) throw new Error("the default report period is invalid");
  return { ...fallback, errors: parsed.errors };
}
