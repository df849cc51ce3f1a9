/**
 * Token buckets per source address for SIP traffic that no trunk or session vouches for:
 * scanners (sipvicious and friends) get a few answers, then silence. Pure, injected clock,
 * bounded memory.
 */
export class SourceRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

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
