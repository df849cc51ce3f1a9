/**
 * The call log's query parameters (page `/calls`, `GET /api/calls`, `GET /api/calls/export`), validated with zod
 * and turned into a {@link CallLogFilter} scoped to the reader: an operator sees only their own calls.
 */
import { z } from "zod";
import { CALL_LOG_SORTS, type CallLogFilter, type CallLogPageRequest } from "../../db/queries/call-log";
import { CALL_DIRECTIONS, CALL_OUTCOMES } from "../../db/schema";
import { hasRole, type Role } from "../auth/roles";
import { periodOfDays } from "./period";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "validation.invalid");
const text = z.string().trim().max(100, "validation.tooLong");
const optionalText = text.transform((v) => v || undefined).optional();

export const callLogQuerySchema = z.object({
  from: day.optional(),
  to: day.optional(),
  queue: optionalText,
  number: optionalText,
  operator: optionalText,
  direction: z.enum(CALL_DIRECTIONS, "validation.invalid").optional(),
  outcome: z.enum(CALL_OUTCOMES, "validation.invalid").optional(),
  topic: optionalText,
  /** Seconds. */
  minWait: z.coerce.number("validation.invalid").int("validation.invalid").min(0, "validation.invalid").max(86_400, "validation.invalid").optional(),
  caller: z
    .string()
    .trim()
    .max(40, "validation.tooLong")
    .transform((v) => v || undefined)
    .optional(),
  recording: z.enum(["yes", "no"], "validation.invalid").optional(),
  sort: z.enum(CALL_LOG_SORTS, "validation.invalid").default("arrived"),
  order: z.enum(["asc", "desc"], "validation.invalid").default("desc"),
  limit: z.coerce.number("validation.invalid").int("validation.invalid").min(1, "validation.invalid").max(500, "validation.invalid").default(50),
  cursor: z.string().max(400, "validation.invalid").optional(),
});
export type CallLogQuery = z.infer<typeof callLogQuerySchema>;

export type ParsedCallLogQuery =
  | { ok: true; query: CallLogQuery; filter: CallLogFilter; page: CallLogPageRequest }
  | { ok: false; errors: Record<string, string> };

/**
 * Reads the parameters (unknown ones ignored; empty ones count as absent) for a reader of `role` and id `userId`.
 * Days are in `zone`; a lone `from` or `to` bounds one side. Errors are message keys per field.
 */
export function parseCallLogQuery(params: Record<string, string | undefined>, viewer: { id: number; role: Role }, zone: string): ParsedCallLogQuery {
  const present = Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = callLogQuerySchema.safeParse(present);
  if (!parsed.success) {
    return { ok: false, errors: Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0] ?? "query"), issue.message])) };
  }
  const query = parsed.data;
  let from: Date | undefined;
  let to: Date | undefined;
  try {
    if (query.from) from = periodOfDays(query.from, query.from, zone).from;
    if (query.to) to = periodOfDays(query.to, query.to, zone).to;
  } catch {
    return { ok: false, errors: { from: "validation.invalid" } };
  }
  if (from && to && to <= from) return { ok: false, errors: { to: "validation.invalid" } };
  const filter: CallLogFilter = {
    from,
    to,
    queue: query.queue,
    number: query.number,
    operator: query.operator,
    direction: query.direction,
    outcome: query.outcome,
    topic: query.topic,
    minWaitS: query.minWait,
    caller: query.caller,
    hasRecording: query.recording === undefined ? undefined : query.recording === "yes",
    ownerId: hasRole(viewer.role, "supervisor") ? undefined : viewer.id,
  };
  return { ok: true, query, filter, page: { sort: query.sort, order: query.order, limit: query.limit, cursor: query.cursor } };
}
