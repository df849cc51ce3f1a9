/**
 * The command line's commands, run in-process either by `npm run cli` (database opened directly)
 * or by the running server on behalf of the CLI (through the control socket), so both paths share
 * one implementation and the live server sees every change at once.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { z } from "zod";
import type { Db } from "../../db/client";
import { ConflictError } from "../../db/queries/errors";
import {
  createQueue,
  findQueueByName,
  listHotlineNumbers,
  listQueueMembers,
  listQueues,
  setQueueMember,
  updateQueue,
} from "../../db/queries/queues";
import { findUserByUsername } from "../../db/queries/users";
import type { UserService } from "../accounts/user-service";
import type { FieldErrors } from "../accounts/user-input";
import { ROLES } from "../auth/roles";
import { createAnswer, createTopic } from "../answers/answer-service";
import { createDirectoryEntry } from "../directory/directory-service";
import { updateOrganisation } from "../organisation/organisation-service";
import { saveScript } from "../scripts/script-service";
import { addQueueNumber } from "../queues/queue-admin";
import { queueNameSchema, queueSettingFields } from "../queues/queue-input";
import { allowOutboundPattern, listOutboundPatterns, removeOutboundPattern } from "../outbound/outbound-policy";
// hours (issue 11)
import { HOURS_OPTIONS, HOURS_USAGE, HoursCommandError, runHoursCommand } from "../hours/hours-commands";

export interface CommandContext {
  db: Db;
  users: UserService;
  /** Turns a `validation.*` key into an English sentence. */
  explain: (key: string) => string;
}

export interface CommandOutput {
  code: number;
  out: string[];
  err: string[];
}

export const USAGE = `Usage: npm run cli -- <command>
  user add <username> --role operator|supervisor|admin|wallboard --password <password> [--name "Display Name"]
  user disable <username>
  user enable <username>
  user password <username> --password <password>
  user role <username> --role operator|supervisor|admin|wallboard
  user list
  queue add <name>
  queue member <queue> <username> [--level N]
  queue set <queue> [--ring-timeout S] [--wrap-up S] [--sl-threshold S] [--short-abandon S] [--max-on-break N|none]
                    [--max-wait S|none] [--max-wait-action hang-up|callback] [--wrap-up-extend S|none] [--topic-required yes|no]
  queue list
  number add <number> --queue <queue> [--label "campaign"]
  number list
  org set [--name "<name>"] [--name-fr "<name>"] [--name-ar "<name>"] [--purpose "<line>"] [--lang en|fr|ar]
          [--country FR] [--history-days N] [--sl-target PCT]
  script set <queue> --lang en|fr|ar --step "<text>" [--step "<text>" …]
  topic add <queue> <topic>
  answer add --topic <topic> --question "<q>" --answer "<a>" [--answer "<variant>" …] [--queue <queue>] [--lang fr]
             [--tags a,b] [--sensitive]
  directory add --name "<name>" --phone <number> [--competence <tag>[,<tag>]] [--department "<d>"] [--email <e>]
  outbound allow <pattern>      (e.g. '0[1-9]*'; digits, X = any digit, [1-7] a set, * = any further digits at the end)
  outbound remove <pattern>
  outbound list
${HOURS_USAGE}`;

class UsageError extends Error {}

export async function runCommand(argv: string[], ctx: CommandContext): Promise<CommandOutput> {
  const out: string[] = [];
  const err: string[] = [];
  try {
    await dispatch(argv, ctx, out);
    return { code: 0, out, err };
  } catch (error) {
    if (error instanceof UsageError) {
      err.push(`error: ${error.message}`, "", USAGE);
      return { code: 2, out, err };
    }
    if (error instanceof CommandError || error instanceof HoursCommandError) {
      err.push(`error: ${error.message}`);
      return { code: 1, out, err };
    }
    err.push(`error: ${error instanceof Error ? error.message : String(error)}`);
    return { code: 1, out, err };
  }
}

class CommandError extends Error {}

async function dispatch(argv: string[], ctx: CommandContext, out: string[]): Promise<void> {
  const { values, positionals } = parseOrUsage(argv);
  const [noun, verb, ...args] = positionals;
  const key = `${noun ?? ""} ${verb ?? ""}`.trim();
  const need = (count: number) => {
    if (args.length !== count) throw new UsageError(`"${key}" takes ${count} argument${count === 1 ? "" : "s"}`);
    return args as string[];
  };
  const failIf = (errors: FieldErrors) => {
    throw new CommandError(
      Object.entries(errors)
        .map(([field, message]) => `${field}: ${ctx.explain(message)}`)
        .join("; "),
    );
  };

  switch (key) {
    case "user add": {
      const [username] = need(1);
      if (!values.role) throw new UsageError(`--role is required (${ROLES.join(", ")})`);
      if (!values.password) throw new UsageError("--password is required");
      const result = await ctx.users.create({
        username: username!,
        role: values.role as never,
        password: values.password,
        displayName: values.name,
      });
      if (!result.ok) return failIf(result.errors);
      out.push(`created ${result.value.role} "${result.value.username}" (id ${result.value.id})`);
      return;
    }
    case "user disable":
    case "user enable": {
      const user = await userOrFail(ctx, need(1)[0]!);
      const result = await ctx.users.update(user.id, { disabled: verb === "disable" });
      if (!result.ok) return failIf(result.errors);
      out.push(`${verb}d "${user.username}"`);
      return;
    }
    case "user password": {
      const user = await userOrFail(ctx, need(1)[0]!);
      if (!values.password) throw new UsageError("--password is required");
      const result = await ctx.users.update(user.id, { password: values.password });
      if (!result.ok) return failIf(result.errors);
      out.push(`password changed for "${user.username}"`);
      return;
    }
    case "user role": {
      const user = await userOrFail(ctx, need(1)[0]!);
      if (!values.role) throw new UsageError(`--role is required (${ROLES.join(", ")})`);
      const result = await ctx.users.update(user.id, { role: values.role as never });
      if (!result.ok) return failIf(result.errors);
      out.push(`"${user.username}" is now ${result.value.role}`);
      return;
    }
    case "user list": {
      need(0);
      for (const u of await ctx.users.list()) {
        out.push(`${u.username}\t${u.role}\t${u.disabled ? "disabled" : "active"}\t${u.displayName}`);
      }
      return;
    }
    case "queue add": {
      const [name] = need(1);
      // The admin page's rule and message (server/queues/queue-input.ts).
      const parsed = queueNameSchema.safeParse(name);
      if (!parsed.success) return failIf({ name: "validation.queueName" });
      try {
        const queue = await createQueue(ctx.db, parsed.data);
        out.push(`created queue "${queue.name}" (id ${queue.id})`);
      } catch (error) {
        if (error instanceof ConflictError) throw new CommandError(`queue "${name}" already exists`);
        throw error;
      }
      return;
    }
    case "queue member": {
      const [queueName, username] = need(2);
      const queue = await queueOrFail(ctx, queueName!);
      const user = await userOrFail(ctx, username!);
      const level = values.level === undefined ? 1 : Number(values.level);
      if (!Number.isInteger(level) || level < 1 || level > 9) throw new CommandError("--level: a whole number from 1 to 9");
      await setQueueMember(ctx.db, queue.id, user.id, level);
      out.push(`"${user.username}" serves queue "${queue.name}" at level ${level}`);
      return;
    }
    case "queue set": {
      const queue = await queueOrFail(ctx, need(1)[0]!);
      const seconds = (option: string, value: string | undefined, min: number, max: number) => {
        if (value === undefined) return undefined;
        const n = Number(value);
        if (!Number.isInteger(n) || n < min || n > max) throw new CommandError(`--${option}: a whole number of seconds from ${min} to ${max}`);
        return n;
      };
      // The settings form's own schemas (server/queues/queue-input.ts): the same ranges and messages as the admin
      // page; "none" is the command line's word for the form's empty field (no limit).
      const faults: FieldErrors = {};
      const setting = <K extends keyof typeof queueSettingFields>(option: string, field: K, value: string | undefined) => {
        if (value === undefined) return undefined;
        const parsed = queueSettingFields[field].safeParse(value === "none" ? "" : value);
        if (parsed.success) return parsed.data as z.output<(typeof queueSettingFields)[K]>;
        faults[`--${option}`] = parsed.error.issues[0]?.message ?? "validation.invalid";
        return undefined;
      };
      const patch = {
        ringTimeoutS: setting("ring-timeout", "ringTimeoutS", values["ring-timeout"]),
        wrapUpS: setting("wrap-up", "wrapUpS", values["wrap-up"]),
        slThresholdS: setting("sl-threshold", "slThresholdS", values["sl-threshold"]),
        shortAbandonS: setting("short-abandon", "shortAbandonS", values["short-abandon"]),
        maxOnBreak: setting("max-on-break", "maxOnBreak", values["max-on-break"]),
        maxWaitS: setting("max-wait", "maxWaitS", values["max-wait"]),
        maxWaitAction: maxWaitAction(values["max-wait-action"]),
        wrapUpExtendS: values["wrap-up-extend"] === "none" ? null : seconds("wrap-up-extend", values["wrap-up-extend"], 10, 3600),
        topicRequired: yesNo("topic-required", values["topic-required"]),
      };
      if (Object.keys(faults).length > 0) failIf(faults);
      const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      if (Object.keys(changes).length === 0) throw new UsageError("queue set needs at least one setting");
      await updateQueue(ctx.db, queue.id, changes);
      out.push(`queue "${queue.name}" updated: ${Object.entries(changes).map(([k, v]) => `${k}=${v}`).join(", ")}`);
      return;
    }
    case "queue list": {
      need(0);
      for (const q of await listQueues(ctx.db)) {
        const members = await listQueueMembers(ctx.db, q.id);
        out.push(`${q.name}\t${members.map((m) => `${m.username}:${m.level}`).join(",") || "(no members)"}`);
      }
      return;
    }
    case "number add": {
      const [number] = need(1);
      if (!values.queue) throw new UsageError("--queue is required");
      const queue = await queueOrFail(ctx, values.queue);
      // The admin page's validation (server/queues/queue-admin.ts): 2-20 digits, separators removed.
      const result = await addQueueNumber(ctx.db, queue.id, { number, label: values.label });
      if (!result.ok) return failIf(result.errors);
      out.push(`number ${result.value.number} routes to queue "${queue.name}"`);
      return;
    }
    case "number list": {
      need(0);
      for (const n of await listHotlineNumbers(ctx.db)) out.push(`${n.number}\t${n.queue}\t${n.label ?? ""}`);
      return;
    }
    case "org set": {
      need(0);
      const input = {
        name: values.name,
        nameFr: values["name-fr"],
        nameAr: values["name-ar"],
        purpose: values.purpose,
        defaultLocale: values.lang,
        country: values.country,
        historyDays: values["history-days"],
        serviceLevelTargetPct: values["sl-target"],
      };
      if (Object.values(input).every((v) => v === undefined)) throw new UsageError("org set needs at least one setting");
      const result = await updateOrganisation(ctx.db, input);
      if (!result.ok) return failIf(result.errors);
      out.push(`organisation "${result.value.name}" saved`);
      return;
    }
    case "script set": {
      const queue = await queueOrFail(ctx, need(1)[0]!);
      if (!values.lang) throw new UsageError("--lang is required (en, fr or ar)");
      if (!values.step?.length) throw new UsageError("--step is required, once per step");
      const result = await saveScript(ctx.db, { queueId: queue.id, locale: values.lang, steps: values.step });
      if (!result.ok) return failIf(result.errors);
      out.push(`script of queue "${queue.name}" in ${result.value.locale}: ${result.value.steps.length} steps`);
      return;
    }
    case "topic add": {
      const [queueName, topic] = need(2);
      const queue = await queueOrFail(ctx, queueName!);
      const result = await createTopic(ctx.db, queue.id, topic);
      if (!result.ok) return failIf(result.errors);
      out.push(`topic "${result.value.name}" added to queue "${queue.name}"`);
      return;
    }
    case "answer add": {
      need(0);
      const queue = values.queue === undefined ? undefined : await queueOrFail(ctx, values.queue);
      const result = await createAnswer(ctx.db, {
        topic: values.topic,
        question: values.question,
        variants: values.answer ?? [],
        tags: values.tags,
        sensitive: values.sensitive ?? false,
        queueIds: queue ? [queue.id] : [],
        locale: values.lang ?? "en",
        reviewedAt: new Date().toISOString().slice(0, 10),
      });
      if (!result.ok) return failIf(result.errors);
      out.push(`answer ${result.value.id} added under "${result.value.topic}"`);
      return;
    }
    case "directory add": {
      need(0);
      const result = await createDirectoryEntry(ctx.db, {
        name: values.name,
        phones: values.phone,
        competences: values.competence,
        department: values.department,
        email: values.email,
      });
      if (!result.ok) return failIf(result.errors);
      out.push(`"${result.value.name}" added to the directory (id ${result.value.id})`);
      return;
    }
    case "outbound allow": {
      const result = await allowOutboundPattern(ctx.db, need(1)[0]!);
      if (!result.ok) throw new CommandError(`pattern: ${result.error}`);
      out.push(result.added ? `outbound calls allowed to ${result.pattern}` : `${result.pattern} was already allowed`);
      return;
    }
    case "outbound remove": {
      const [pattern] = need(1);
      if (!(await removeOutboundPattern(ctx.db, pattern!.trim()))) throw new CommandError(`pattern ${pattern} is not in the list`);
      out.push(`outbound calls no longer allowed to ${pattern!.trim()}`);
      return;
    }
    case "outbound list": {
      need(0);
      const patterns = await listOutboundPatterns(ctx.db);
      out.push(...(patterns.length ? patterns : ["(no pattern: outbound calls are refused)"]));
      return;
    }
    default:
      // hours (issue 11): schedule add|closure|period|list, number set|menu
      if (await runHoursCommand(ctx.db, key, args as string[], values, out)) return;
      throw new UsageError(key ? `unknown command "${key}"` : "no command given");
  }
}

const OPTIONS = {
  role: { type: "string" },
  password: { type: "string" },
  name: { type: "string" },
  queue: { type: "string" },
  label: { type: "string" },
  level: { type: "string" },
  "ring-timeout": { type: "string" },
  "wrap-up": { type: "string" },
  "sl-threshold": { type: "string" },
  "short-abandon": { type: "string" },
  "max-on-break": { type: "string" },
  "max-wait": { type: "string" },
  "max-wait-action": { type: "string" },
  "wrap-up-extend": { type: "string" },
  "topic-required": { type: "string" },
  "name-fr": { type: "string" },
  "name-ar": { type: "string" },
  purpose: { type: "string" },
  country: { type: "string" },
  "history-days": { type: "string" },
  "sl-target": { type: "string" },
  lang: { type: "string" },
  step: { type: "string", multiple: true },
  topic: { type: "string" },
  question: { type: "string" },
  answer: { type: "string", multiple: true },
  tags: { type: "string" },
  sensitive: { type: "boolean" },
  phone: { type: "string" },
  competence: { type: "string" },
  department: { type: "string" },
  email: { type: "string" },
  ...HOURS_OPTIONS,
} as const satisfies ParseArgsConfig["options"];

/**
 * parseArgs takes "-5" after "--ring-timeout" for an option and refuses it as ambiguous: a value that looks like a
 * negative number is joined to its string option ("--ring-timeout=-5"), so the setting's own range check answers.
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const option = /^--([a-z][a-z-]*)$/.exec(arg)?.[1];
    const next = argv[i + 1];
    if (option && OPTIONS[option as keyof typeof OPTIONS]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

function parseOrUsage(argv: string[]) {
  try {
    return parseArgs({ args: joinNegativeValues(argv), allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const option = /'(--?[\w-]+)/.exec((error as Error).message)?.[1];
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) {
      throw new UsageError(`${option} needs a value (write ${option}=VALUE for a value that starts with "-")`);
    }
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) throw new UsageError(`Unknown option ${option}`);
    throw new UsageError((error as Error).message);
  }
}

/** A yes/no option. */
function yesNo(option: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === "yes" || value === "no") return value === "yes";
  throw new CommandError(`--${option}: yes or no`);
}

/** Overflow needs a target queue: set it on the queue's admin page. */
function maxWaitAction(value: string | undefined): "hang-up" | "callback" | undefined {
  if (value === undefined) return undefined;
  if (value === "hang-up" || value === "callback") return value;
  throw new CommandError("--max-wait-action: hang-up or callback (overflow is set on the queue's admin page)");
}

async function userOrFail(ctx: CommandContext, username: string) {
  const user = await findUserByUsername(ctx.db, username);
  if (!user) throw new CommandError(`no user "${username}"`);
  return user;
}

async function queueOrFail(ctx: CommandContext, name: string) {
  const queue = await findQueueByName(ctx.db, name);
  if (!queue) throw new CommandError(`no queue "${name}" (create it with: queue add "${name}")`);
  return queue;
}
