/**
 * What registration and outbound calls toward a provider share: answering its digest challenges
 * ([RFC 3261 §22.2, §22.3](https://www.rfc-editor.org/rfc/rfc3261#section-22.2)) and re-sending a
 * non-INVITE request until it gets a real final answer.
 *
 * The provider is a UAS or proxy that challenges with 401 + WWW-Authenticate or
 * 407 + Proxy-Authenticate; we answer with Authorization / Proxy-Authorization computed by the
 * SIP core's digest module. Credentials are cached per header so later requests (refreshes, BYE)
 * carry them up front with a growing nonce count (RFC 3261 §22.3, RFC 2617 §3.2.2).
 * @module
 */
import {
  buildDigestAuthorization,
  fail,
  generateBranch,
  getCSeq,
  ok,
  parseDigestChallenge,
  type ClientTransactionUser,
  type DigestChallenge,
  type DigestCredentials,
  type Destination,
  type Result,
  type SipRequest,
  type SipResponse,
  type TransactionLayer,
} from "../sip";

/** The credential header answering each challenge header (RFC 3261 §22.2 for 401, §22.3 for 407). */
const ANSWER_HEADER = { 401: "Authorization", 407: "Proxy-Authorization" } as const;
const CHALLENGE_HEADER = { 401: "WWW-Authenticate", 407: "Proxy-Authenticate" } as const;

/**
 * Bound on challenge rounds for one request, whatever the server says: a provider that hands out
 * a fresh nonce (or stale=true) on every attempt must not make us loop.
 */
export const MAX_AUTH_ROUNDS = 3;

/** The part of the transaction layer the trunk code uses; a narrow seam for tests. */
export type TrunkLayer = Pick<TransactionLayer, "sendRequest" | "sendStateless">;

/** True for the two challenge statuses. */
export function isChallenge(status: number): status is 401 | 407 {
  return status === 401 || status === 407;
}

/**
 * Answers the provider's digest challenges for one account. One challenge is kept per header
 * kind (the provider's registrar and its proxy may both challenge, RFC 3261 §22.3); a new
 * challenge of the same kind replaces the old one and restarts its nonce count.
 */
export class DigestAuthenticator {
  private readonly challenges = new Map<401 | 407, { challenge: DigestChallenge; nc: number }>();

  constructor(
    private readonly credentials: DigestCredentials,
    /** Fixed cnonce for deterministic tests; random otherwise. */
    private readonly cnonce?: () => string,
  ) {}

  /**
   * Learns the challenge of a 401/407 that answered `sent`. Fails when a retry cannot succeed:
   * no usable Digest challenge, or the server rejected credentials for the very nonce we used and
   * did not say stale=true (wrong username or password; RFC 2617 §3.2.1, "at most one retry per
   * challenge").
   */
  learn(response: SipResponse, sent: SipRequest): Result<void> {
    const status = response.status;
    if (!isChallenge(status)) return fail(`${status} is not a challenge`);
    let usable: DigestChallenge | undefined;
    let reason = `${status} without a Digest ${CHALLENGE_HEADER[status]}`;
    for (const value of response.headers.getAll(CHALLENGE_HEADER[status])) {
      const parsed = parseDigestChallenge(value);
      if (!parsed.ok) {
        reason = parsed.error;
        continue;
      }
      // A challenge we cannot answer (e.g. qop=auth-int only) is skipped for the next one.
      const probe = buildDigestAuthorization(parsed.value, this.credentials, { method: "REGISTER", uri: "sip:probe", cnonce: "probe" });
      if (!probe.ok) {
        reason = probe.error;
        continue;
      }
      usable = parsed.value;
      break;
    }
    if (!usable) return fail(reason);
    const usedNonce = nonceOf(sent.headers.get(ANSWER_HEADER[status]));
    if (usedNonce === usable.nonce && !usable.stale) return fail(`credentials rejected (${status} ${response.reason})`);
    this.challenges.set(status, { challenge: usable, nc: 0 });
    return ok(undefined);
  }

  /** True once a challenge has been learnt, so requests can carry credentials up front. */
  get primed(): boolean {
    return this.challenges.size > 0;
  }

  /** Writes the credential headers for every learnt challenge into `request`, counting nc per nonce. */
  authorize(request: SipRequest): void {
    for (const [status, entry] of this.challenges) {
      entry.nc += 1;
      const value = buildDigestAuthorization(entry.challenge, this.credentials, {
        method: request.method,
        uri: request.uri,
        nc: entry.nc,
        ...(this.cnonce ? { cnonce: this.cnonce() } : {}),
      });
      // learn() probed the challenge already; building cannot fail for it.
      if (value.ok) request.headers.set(ANSWER_HEADER[status], value.value);
    }
  }
}

function nonceOf(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /\bnonce="([^"]*)"/i.exec(header)?.[1];
}

/**
 * A copy of `request` for re-sending after a challenge (RFC 3261 §22.2: "MUST increment the
 * CSeq"; §8.1.1.7: a new request needs a new branch). Call-ID, From and To (tags) stay.
 */
export function nextAttempt(request: SipRequest, seq: number): SipRequest {
  const headers = request.headers.clone();
  const via = headers.get("Via");
  if (via !== undefined) headers.setFirst("Via", via.replace(/;branch=[^;,\s]*/i, `;branch=${generateBranch()}`));
  headers.set("CSeq", `${seq} ${request.method}`);
  return { type: "request", method: request.method, uri: request.uri, headers, body: request.body };
}

/** How a non-INVITE exchange ended: a final response, or the §8.1.3.1 stand-in for none. */
export type FinalOutcome =
  | { kind: "response"; response: SipResponse; request: SipRequest }
  | { kind: "timeout" }
  | { kind: "transport-error"; error: string }
  | { kind: "auth-failed"; response: SipResponse; reason: string };

/**
 * Sends a non-INVITE request (REGISTER, BYE) and answers up to {@link MAX_AUTH_ROUNDS} digest
 * challenges, each with a new branch and CSeq from `nextSeq` (RFC 3261 §22.2). `done` gets the
 * first non-challenge final response, a timeout (Timer F, treated as 408 by §8.1.3.1), a transport
 * error (treated as 503), or the challenge we gave up on.
 */
export function sendWithDigest(args: {
  layer: TrunkLayer;
  request: SipRequest;
  destination: Destination;
  auth: DigestAuthenticator | undefined;
  nextSeq: () => number;
  done: (outcome: FinalOutcome) => void;
}): void {
  const { layer, destination, auth, nextSeq, done } = args;
  const attempt = (request: SipRequest, round: number): void => {
    const user: ClientTransactionUser = {
      onResponse: (response) => {
        if (response.status < 200) return;
        if (!isChallenge(response.status) || !auth) return done({ kind: "response", response, request });
        const learnt = auth.learn(response, request);
        if (!learnt.ok) return done({ kind: "auth-failed", response, reason: learnt.error });
        if (round >= MAX_AUTH_ROUNDS) return done({ kind: "auth-failed", response, reason: "too many challenges" });
        const retry = nextAttempt(request, nextSeq());
        auth.authorize(retry);
        attempt(retry, round + 1);
      },
      onTimeout: () => done({ kind: "timeout" }),
      onTransportError: (error) => done({ kind: "transport-error", error: error.message }),
    };
    try {
      layer.sendRequest(request, destination, user);
    } catch (error) {
      done({ kind: "transport-error", error: error instanceof Error ? error.message : String(error) });
    }
  };
  attempt(args.request, 1);
}

/**
 * The credential headers (Authorization, Proxy-Authorization) `request` carries, for the ACK of a 2xx to it: RFC
 * 3261 §13.2.2.4, "The ACK MUST contain the same credentials as the INVITE".
 */
export function credentialHeaders(request: SipRequest): Array<[string, string]> {
  return (["Authorization", "Proxy-Authorization"] as const).flatMap((name) => {
    const value = request.headers.get(name);
    return value === undefined ? [] : [[name, value] as [string, string]];
  });
}

/** The CSeq number of a request we built (always present on our own requests). */
export function cseqOf(request: SipRequest): number {
  return getCSeq(request)?.seq ?? 0;
}
