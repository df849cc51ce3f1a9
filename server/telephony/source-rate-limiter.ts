import type { Endpoint, MessageSource, SourceAdmission } from "../sip";
import type { AddressAllowList } from "./address-allow-list";

/**
 * Token buckets per source address for SIP traffic that no trunk or session vouches for:
 * scanners (sipvicious and friends) get a few answers, then silence. Pure, injected clock (ms),
 * bounded memory: at most `maxSources` buckets, the least recently used one forgotten first.
 */
export class SourceRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /**
   * @param now clock in ms
   * @param burst tokens a new source starts with (and the most it can save up)
   * @param perSecond tokens regained per second
   * @param maxSources buckets kept at most
   */
  constructor(
    private readonly now: () => number,
    private readonly burst = 10,
    private readonly perSecond = 1,
    private readonly maxSources = 10_000,
  ) {}

  /** Takes a token for `source`; false means drop the message without answering. */
  allow(source: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(source) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.delete(source);
    this.buckets.set(source, bucket);
    if (this.buckets.size > this.maxSources) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

/** Bounds of {@link TrunkSourceAdmission}; every field optional, defaults in brackets. */
export interface TrunkSourceAdmissionLimits {
  /** New requests per untrusted source address: burst [10] and sustained rate per second [1]. */
  requests?: { burst?: number; perSecond?: number };
  /** Error responses (3xx-6xx, retransmissions included) per untrusted address: burst [10], per second [1]. */
  errorResponses?: { burst?: number; perSecond?: number };
  /** Source addresses remembered by each limiter [10 000]. */
  maxSources?: number;
}

/**
 * Hotline's answer to the SIP core's admission questions ({@link SourceAdmission}): operator
 * WebSockets (authenticated at upgrade) and addresses in TRUNK_ALLOW are trusted; every other
 * address is a stranger whose new requests and error responses are rate limited per address, so a
 * flood from one address costs a token-bucket lookup per packet and allocates nothing else.
 */
export class TrunkSourceAdmission implements SourceAdmission {
  private readonly requests: SourceRateLimiter;
  private readonly errors: SourceRateLimiter;

  constructor(
    private readonly trunkAllow: AddressAllowList,
    now: () => number,
    limits: TrunkSourceAdmissionLimits = {},
  ) {
    const maxSources = limits.maxSources ?? 10_000;
    this.requests = new SourceRateLimiter(now, limits.requests?.burst ?? 10, limits.requests?.perSecond ?? 1, maxSources);
    this.errors = new SourceRateLimiter(now, limits.errorResponses?.burst ?? 10, limits.errorResponses?.perSecond ?? 1, maxSources);
  }

  isTrusted(source: MessageSource): boolean {
    return source.transport === "WS" || source.transport === "WSS" || this.trunkAllow.allows(source.remote.address);
  }

  admitRequest(source: MessageSource): boolean {
    return this.requests.allow(source.remote.address);
  }

  admitErrorResponse(destination: Endpoint): boolean {
    return this.errors.allow(destination.address);
  }
}
