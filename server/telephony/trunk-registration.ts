/**
 * Registration of Hotline to a SIP provider, so the provider knows where to send our numbers'
 * calls ([RFC 3261 §10.2](https://www.rfc-editor.org/rfc/rfc3261#section-10.2)).
 *
 * One binding (our Contact) for one address-of-record `sip:<username>@<domain>`:
 * - REGISTER goes to the provider's registrar with one Call-ID for the whole run and a growing
 *   CSeq (§10.2), answering 401/407 digest challenges (§22.2, §22.3) through {@link sendWithDigest};
 * - the binding is refreshed at about 85 % of what the registrar granted (the Contact's `expires`
 *   in the 200, else its Expires header, §10.2.4), 423 is answered with the Min-Expires asked for
 *   (§10.2.8);
 * - failures (403, timeouts, transport errors, 5xx) are retried with exponential backoff and jitter
 *   as RFC 5626 §4.5 recommends, honouring Retry-After (§20.33);
 * - {@link TrunkRegistration.stop} removes the binding with Expires: 0 (§10.2.2).
 *
 * Timers go through the SIP core's {@link TimerScheduler}, so tests drive it with a fake clock.
 * @module
 */
import { isIP } from "node:net";
import { lookup } from "node:dns/promises";
import {
  createRequest,
  generateCallId,
  generateBranch,
  generateTag,
  getCSeq,
  isSipUri,
  parseNameAddr,
  parseUri,
  realTimers,
  silentLogger,
  splitHeaderList,
  type DigestCredentials,
  type Destination,
  type Logger,
  type SipRequest,
  type SipResponse,
  type TimerHandle,
  type TimerScheduler,
} from "../sip";
import { USER_AGENT, contactHeader, type LocalContact } from "./sip-dialog";
import { DigestAuthenticator, sendWithDigest, type FinalOutcome, type TrunkLayer } from "./trunk-auth";

export type TrunkRegistrationState = "registering" | "registered" | "failed" | "stopped";

/** What `/api/health` shows about the trunk. */
export interface TrunkRegistrationStatus {
  state: TrunkRegistrationState;
  /** When the binding the registrar granted runs out (ISO time), while one may exist. */
  expiresAt: string | null;
  lastError: string | null;
}

export interface TrunkRegistrationOptions {
  layer: TrunkLayer;
  /** The provider's registrar; a hostname is resolved (A/AAAA) before each attempt, no SRV. */
  registrar: { host: string; port: number };
  transport: "UDP" | "TCP";
  /** Domain of our address-of-record and of the Request-URI (§10.2: "sip:domain", no user). */
  domain: string;
  credentials: DigestCredentials;
  /** Requested binding lifetime in seconds (the registrar may grant less, or ask for more with 423). */
  expires: number;
  /** Our host:port for Via and Contact on this transport (the B2BUA's `localContact`). */
  local: LocalContact;
  timers?: TimerScheduler;
  now?: () => number;
  logger?: Logger;
  /** Name resolution seam; defaults to the system resolver. */
  resolve?: (host: string) => Promise<string>;
  /** Backoff after failures: base and cap in ms (RFC 5626 §4.5 suggests 30 s and 1800 s). */
  backoff?: { baseMs: number; maxMs: number };
  /** Jitter source in [0, 1); tests pin it. */
  random?: () => number;
  /** How long stop() waits for the unregistration's answer before giving up. */
  unregisterTimeoutMs?: number;
  /** Fixed cnonce for deterministic digest answers in tests. */
  cnonce?: () => string;
}

const DEFAULT_BACKOFF = { baseMs: 30_000, maxMs: 1_800_000 };

/** Keeps Hotline registered at one provider. Create, `start()`, and `stop()` at shutdown. */
export class TrunkRegistration {
  private readonly timers: TimerScheduler;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly auth: DigestAuthenticator;
  private readonly callId = generateCallId();
  private readonly fromTag = generateTag();
  private readonly aor: string;
  private readonly contact: string;
  private cseq = 0;
  private expires: number;
  private state: TrunkRegistrationState = "registering";
  private expiresAt: number | undefined;
  private lastError: string | undefined;
  private failures = 0;
  private timer: TimerHandle | undefined;
  private running = false;
  /** A REGISTER awaits its final answer: the registrar may have bound us without our knowing yet. */
  private inFlight = false;
  /** Bumped by stop() so answers to requests sent before it are ignored. */
  private generation = 0;

  constructor(private readonly options: TrunkRegistrationOptions) {
    this.timers = options.timers ?? realTimers;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.auth = new DigestAuthenticator(options.credentials, options.cnonce);
    this.expires = options.expires;
    this.aor = `sip:${encodeURIComponent(options.credentials.username)}@${options.domain}`;
    this.contact = contactHeader(options.local, encodeURIComponent(options.credentials.username));
  }

  status(): TrunkRegistrationStatus {
    const bound = this.expiresAt !== undefined && this.expiresAt > this.now();
    return { state: this.state, expiresAt: bound ? new Date(this.expiresAt!).toISOString() : null, lastError: this.lastError ?? null };
  }

  /** Sends the first REGISTER; refreshes and retries follow on their own until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.state = "registering";
    this.register();
  }

  /**
   * Stops refreshing and removes our binding (Expires: 0, §10.2.2), waiting at most
   * `unregisterTimeoutMs` for the answer so shutdown never hangs on an unreachable provider.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.clearTimer();
    const mayBeBound = this.inFlight || (this.expiresAt !== undefined && this.expiresAt > this.now());
    this.state = "stopped";
    if (!mayBeBound) return;
    await new Promise<void>((resolve) => {
      const giveUp = this.timers.set(resolve, this.options.unregisterTimeoutMs ?? 2000);
      const finish = (outcome: FinalOutcome): void => {
        this.timers.clear(giveUp);
        if (outcome.kind === "response" && outcome.response.status < 300) this.expiresAt = undefined;
        else this.logger.warn("trunk unregistration failed", { error: describe(outcome) });
        resolve();
      };
      this.withDestination(finish, (destination) => this.send(0, destination, finish));
    });
  }

  private register(): void {
    this.clearTimer();
    const generation = this.generation;
    this.inFlight = true;
    const done = (outcome: FinalOutcome): void => {
      if (generation !== this.generation) return;
      this.inFlight = false;
      if (this.running) this.settle(outcome);
    };
    this.withDestination(done, (destination) => this.send(this.expires, destination, done));
  }

  private send(expires: number, destination: Destination, done: (outcome: FinalOutcome) => void): void {
    const { local } = this.options;
    const request = createRequest({
      method: "REGISTER",
      uri: `sip:${this.options.domain}`,
      headers: [
        ["Via", `SIP/2.0/${local.transport} ${local.hostport};branch=${generateBranch()};rport`],
        ["Max-Forwards", "70"],
        ["From", `<${this.aor}>;tag=${this.fromTag}`],
        ["To", `<${this.aor}>`],
        ["Call-ID", this.callId],
        ["CSeq", `${++this.cseq} REGISTER`],
        ["Contact", this.contact],
        ["Expires", String(expires)],
        ["User-Agent", USER_AGENT],
      ],
    });
    // Credentials of the last challenge go up front (§22.3), sparing a 401 round trip per refresh.
    if (this.auth.primed) this.auth.authorize(request);
    sendWithDigest({ layer: this.options.layer, request, destination, auth: this.auth, nextSeq: () => ++this.cseq, done });
  }

  /** Resolves the registrar synchronously for IP literals (so fake-clock tests stay synchronous). */
  private withDestination(done: (outcome: FinalOutcome) => void, then: (destination: Destination) => void): void {
    const { host, port } = this.options.registrar;
    const destination = (address: string): Destination => ({ transport: this.options.transport, address, port });
    const bare = host.replace(/^\[|\]$/g, "");
    if (isIP(bare)) return then(destination(bare));
    const resolve = this.options.resolve ?? (async (name: string) => (await lookup(name)).address);
    resolve(host).then(
      (address) => then(destination(address)),
      (error: unknown) => done({ kind: "transport-error", error: `cannot resolve ${host}: ${error instanceof Error ? error.message : String(error)}` }),
    );
  }

  private settle(outcome: FinalOutcome): void {
    if (outcome.kind !== "response") return this.failed(describe(outcome));
    const { response, request } = outcome;
    if (response.status >= 200 && response.status < 300) return this.registered(response, request);
    if (response.status === 423) {
      // §10.2.8: ask again with at least Min-Expires; only upward, so a broken registrar cannot loop us.
      const minimum = Number(response.headers.get("Min-Expires"));
      if (Number.isInteger(minimum) && minimum > this.expires) {
        this.expires = minimum;
        return this.register();
      }
    }
    this.failed(`${response.status} ${response.reason}`, retryAfterMs(response));
  }

  private registered(response: SipResponse, request: SipRequest): void {
    const granted = grantedExpires(response, this.contact, Number(request.headers.get("Expires")));
    if (granted <= 0) return this.failed("registrar granted no binding");
    const recovered = this.state !== "registered";
    this.state = "registered";
    this.expiresAt = this.now() + granted * 1000;
    this.lastError = undefined;
    this.failures = 0;
    if (recovered) this.logger.info("trunk registered", { registrar: this.options.registrar.host, expires: granted, cseq: getCSeq(request)?.seq });
    this.schedule(refreshDelayMs(granted));
  }

  private failed(error: string, retryAfter?: number): void {
    this.state = "failed";
    this.lastError = error;
    this.failures += 1;
    const { baseMs, maxMs } = this.options.backoff ?? DEFAULT_BACKOFF;
    // RFC 5626 §4.5: wait a random time between 50 % and 100 % of min(max, base * 2^failures).
    const ceiling = Math.min(maxMs, baseMs * 2 ** (this.failures - 1));
    const delay = retryAfter ?? Math.round(ceiling * (0.5 + 0.5 * (this.options.random ?? Math.random)()));
    this.logger.warn("trunk registration failed", { error, retryInMs: delay, failures: this.failures });
    this.schedule(delay);
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      if (this.state !== "registered") this.state = "registering";
      this.register();
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }
}

function describe(outcome: FinalOutcome): string {
  switch (outcome.kind) {
    case "response":
      return `${outcome.response.status} ${outcome.response.reason}`;
    case "timeout":
      return "no answer from the registrar (timeout)";
    case "transport-error":
      return `transport error: ${outcome.error}`;
    case "auth-failed":
      return `authentication failed: ${outcome.reason}`;
  }
}

/**
 * Refresh before expiry: at 85 % of the granted time, but at least 5 s early when the time allows
 * and never sooner than half of it (short grants would otherwise refresh in a tight loop).
 */
export function refreshDelayMs(grantedS: number): number {
  return Math.round(Math.max(grantedS * 0.5, Math.min(grantedS * 0.85, grantedS - 5)) * 1000);
}

/**
 * The lifetime the registrar granted our binding (§10.2.4): the `expires` parameter of the 200's
 * Contact that is ours, else of its only Contact (a registrar may rewrite our address behind NAT),
 * else the Expires header, else what we asked for.
 */
export function grantedExpires(response: SipResponse, ourContact: string, requested: number): number {
  const ours = parseNameAddr(ourContact);
  const contacts = response.headers.getAll("Contact").flatMap(splitHeaderList).flatMap((value) => {
    const parsed = parseNameAddr(value);
    return parsed.ok ? [parsed.value] : [];
  });
  const mine = contacts.find((c) => ours.ok && sameAddress(c.uriText, ours.value.uriText)) ?? (contacts.length === 1 ? contacts[0] : undefined);
  const fromContact = Number(mine?.params.get("expires") ?? NaN);
  if (Number.isInteger(fromContact) && fromContact >= 0) return fromContact;
  const header = Number(response.headers.get("Expires") ?? NaN);
  if (Number.isInteger(header) && header >= 0) return header;
  return requested;
}

/** URI comparison reduced to what identifies a binding here: user, host (case-insensitive) and port. */
function sameAddress(a: string, b: string): boolean {
  const x = parseUri(a);
  const y = parseUri(b);
  if (!x.ok || !y.ok || !isSipUri(x.value) || !isSipUri(y.value)) return a === b;
  return x.value.user === y.value.user && x.value.host.toLowerCase() === y.value.host.toLowerCase() && (x.value.port ?? 5060) === (y.value.port ?? 5060);
}

function retryAfterMs(response: SipResponse): number | undefined {
  const seconds = /^\s*(\d+)/.exec(response.headers.get("Retry-After") ?? "")?.[1];
  // At least a second: "Retry-After: 0" must not turn into a tight loop.
  return seconds === undefined ? undefined : Math.max(1000, Number(seconds) * 1000);
}
