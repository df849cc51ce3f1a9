/**
 * Configuration, read once at boot from the environment (and an optional `.env` file) and validated,
 * so a typo fails the start with a readable message instead of a strange failure later.
 */
import { IANAZone } from "luxon";
import { z } from "zod";
import { AddressAllowList } from "../telephony/address-allow-list";

const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    HOST: z.string().trim().min(1).default("0.0.0.0"),
    PORT: port.default(3000),
    PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    DATA_DIR: z.string().trim().min(1).default("./data"),
    DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
    SESSION_SECRET: optionalText.pipe(z.string().min(32, "must be at least 32 characters").optional()),
    SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 90).default(12),
    ADMIN_USERNAME: optionalText,
    ADMIN_PASSWORD: optionalText,
    /** SIP over UDP and TCP for trunks. */
    SIP_PORT: port.default(5060),
    SIP_HOST: optionalText,
    /** The address trunks reach us at (Via, Contact); defaults to SIP_HOST, else 127.0.0.1. */
    SIP_ADVERTISED_ADDRESS: optionalText,
    /** Addresses or CIDRs allowed to send calls, comma-separated. Empty: no trunk may call. */
    TRUNK_ALLOW: z.string().trim().default(""),
    /** The provider's registrar, `host[:port]`; Hotline registers there when set (RFC 3261 §10.2). */
    TRUNK_REGISTRAR: optionalText,
    /** Digest credentials of the provider account (registration and, later, outbound calls). */
    TRUNK_USERNAME: optionalText,
    TRUNK_PASSWORD: optionalText,
    /** Domain of the account's address-of-record; defaults to the registrar's host. */
    TRUNK_DOMAIN: optionalText,
    /** Binding lifetime asked of the registrar, seconds (it may grant less). */
    TRUNK_REGISTER_EXPIRES: z.coerce.number().int().min(30).max(86_400).default(600),
    TRUNK_TRANSPORT: z.string().trim().toLowerCase().pipe(z.enum(["udp", "tcp"])).default("udp"),
    /** Outbound calls without TRUNK_REGISTRAR: the provider's proxy, `host[:port]` (IP-authenticated trunks). */
    TRUNK_OUTBOUND_PROXY: optionalText,
    /** rtpengine's RTP/RTCP port range (the supervised local instance). */
    RTP_PORT_MIN: port.default(30000),
    RTP_PORT_MAX: port.default(39999),
    /** The address rtpengine relays media on (also what browsers and trunks send RTP to). */
    MEDIA_ADDRESS: optionalText,
    /** ng control port of the supervised local rtpengine. */
    RTPENGINE_NG_PORT: port.default(22222),
    /**
     * Seconds without RTP from anyone before the supervised rtpengine drops a call and Hotline ends it with BYE
     * (`media-timeout`). Streams on hold (a=inactive / a=recvonly) use RTPENGINE_SILENT_TIMEOUT_S instead.
     */
    RTPENGINE_TIMEOUT_S: z.coerce.number().int().min(1).max(86_400).default(60),
    /** The same for a call whose streams were told not to send (a caller on hold), seconds. */
    RTPENGINE_SILENT_TIMEOUT_S: z.coerce.number().int().min(1).max(7 * 86_400).default(3600),
    /** External rtpengine instances (host:port of their ng sockets, comma-separated) instead of a local one. */
    RTPENGINE_URLS: z.string().trim().default(""),
    /**
     * Call recordings (server/recordings): stored files and rtpengine's pcap spool (`<dir>/spool`). Default
     * `<DATA_DIR>/recordings`. Must be writable by rtpengine too (it writes the spool).
     */
    RECORDINGS_DIR: optionalText,
    /** Longest voicemail a caller of a closed number may leave (closed action `voicemail`), seconds. */
    VOICEMAIL_MAX_S: z.coerce.number().int().min(5).max(3600).default(120),
    /** Folder with greeting.wav, hold-music.wav, apology.wav, closed.wav (8 kHz 16-bit mono). */
    SOUNDS_DIR: z.string().trim().default("./public/sounds"),
    /** IANA zone of the hotline's clocks: shifts (and opening hours) are wall-clock times there. */
    TIMEZONE: z
      .string()
      .trim()
      .default("")
      .transform((v) => v || Intl.DateTimeFormat().resolvedOptions().timeZone)
      .refine((zone) => IANAZone.isValidZone(zone), "must be an IANA time zone such as Europe/Paris"),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    /** Honour X-Forwarded-For / -Proto from a reverse proxy in front of Hotline. */
    TRUST_PROXY: z
      .enum(["0", "1", "true", "false"])
      .default("false")
      .transform((v) => v === "1" || v === "true"),
    /**
     * Active/standby on a shared PostgreSQL (server/ha/leader-lease.ts): only the node holding the leader lease runs
     * telephony; the others wait, warm, and take over when it dies. Needs DATABASE_URL.
     */
    ACTIVE_STANDBY: z
      .enum(["0", "1", "true", "false"])
      .default("false")
      .transform((v) => v === "1" || v === "true"),
    /**
     * Show the operator that a supervisor is listening to their call (issue 12). `false` hides listening for quality
     * monitoring, as many call centers do; a whisper is always shown (the operator hears it anyway).
     */
    MONITOR_SHOW_LISTENING: z
      .enum(["0", "1", "true", "false"])
      .default("true")
      .transform((v) => v === "1" || v === "true"),
    /** With TRUST_PROXY: how many reverse proxies in front of Hotline append to X-Forwarded-For (the client is that many entries from the right). */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
    /** Seconds an operator stays logged in to the queues after their last desk connection closed (network blips, reloads). */
    OPERATOR_LOGOUT_GRACE_S: z.coerce.number().int().min(0).max(3600).default(120),
    /** Most sessions one account may hold at once; logging in beyond it ends the oldest. */
    SESSION_MAX_PER_USER: z.coerce.number().int().min(1).max(1000).default(10),
  });

export type Config = z.infer<typeof schema> & { PUBLIC_URL: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Pure: validates an environment. Secrets never appear in the error text, only variable names. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join(".") || "config"}: ${issue.message}`);
  // Checked apart from the schema so it is reported together with any other problem.
  if (!env.ADMIN_USERNAME?.trim() !== !env.ADMIN_PASSWORD?.trim()) {
    problems.push("ADMIN_PASSWORD: ADMIN_USERNAME and ADMIN_PASSWORD go together: set both or neither");
  }
  if (!env.TRUNK_USERNAME?.trim() !== !env.TRUNK_PASSWORD?.trim()) {
    problems.push("TRUNK_PASSWORD: TRUNK_USERNAME and TRUNK_PASSWORD go together: set both or neither");
  }
  if (env.TRUNK_REGISTRAR?.trim()) {
    if (!parseHostPort(env.TRUNK_REGISTRAR.trim())) problems.push("TRUNK_REGISTRAR: must be host or host:port");
    if (!env.TRUNK_USERNAME?.trim()) problems.push("TRUNK_USERNAME: registering at TRUNK_REGISTRAR needs TRUNK_USERNAME and TRUNK_PASSWORD");
  }
  if (result.success && result.data.ACTIVE_STANDBY && !result.data.DATABASE_URL) {
    problems.push("ACTIVE_STANDBY: needs DATABASE_URL (the nodes share one PostgreSQL, where the leader lease lives)");
  }
  if (env.TRUNK_OUTBOUND_PROXY?.trim() && !parseHostPort(env.TRUNK_OUTBOUND_PROXY.trim())) {
    problems.push("TRUNK_OUTBOUND_PROXY: must be host or host:port");
  }
  if (result.success && result.data.RTP_PORT_MIN >= result.data.RTP_PORT_MAX) {
    problems.push("RTP_PORT_MAX: must be above RTP_PORT_MIN");
  }
  for (const problem of AddressAllowList.problems(env.TRUNK_ALLOW ?? "")) problems.push(`TRUNK_ALLOW: ${problem}`);
  if (result.success) {
    for (const entry of result.data.RTPENGINE_URLS.split(",").map((s) => s.trim()).filter(Boolean)) {
      if (!/^[\w.-]+:\d{1,5}$/.test(entry)) problems.push(`RTPENGINE_URLS: "${entry}" is not host:port`);
    }
  }
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const c = result.data;
  const shownHost = c.HOST === "0.0.0.0" || c.HOST === "::" ? "localhost" : c.HOST;
  return { ...c, PUBLIC_URL: c.PUBLIC_URL ?? `http://${shownHost}:${c.PORT}` };
}

/** What trunk registration needs, derived from the configuration; undefined when it is off. */
export interface TrunkSettings {
  registrar: { host: string; port: number };
  domain: string;
  username: string;
  password: string;
  expires: number;
  transport: "UDP" | "TCP";
}

export function trunkSettings(config: Config): TrunkSettings | undefined {
  const registrar = config.TRUNK_REGISTRAR ? parseHostPort(config.TRUNK_REGISTRAR) : undefined;
  if (!registrar || !config.TRUNK_USERNAME || !config.TRUNK_PASSWORD) return undefined;
  return {
    registrar,
    domain: config.TRUNK_DOMAIN ?? registrar.host,
    username: config.TRUNK_USERNAME,
    password: config.TRUNK_PASSWORD,
    expires: config.TRUNK_REGISTER_EXPIRES,
    transport: config.TRUNK_TRANSPORT === "tcp" ? "TCP" : "UDP",
  };
}

/** `host`, `host:port` or `[v6]:port`; the port defaults to 5060 (RFC 3261 §19.1.2). */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(text);
  const port = Number(m?.[2] ?? 5060);
  if (!m?.[1] || port < 1 || port > 65535) return undefined;
  return { host: m[1], port };
}

/** Reads `.env` (if present; real environment variables win) and validates the result. */
export function loadConfig(envFile = ".env"): Config {
  try {
    process.loadEnvFile(envFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return parseConfig(process.env);
}
