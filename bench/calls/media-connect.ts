/**
 * Media set-up times of the benchmark's operator legs (200 OK sent to the peer connection "connected"), counted in
 * buckets so the fleets can add theirs up: a bucket is named by its upper bound in ms, "inf" above the last. Kept
 * apart from webrtc-operator.ts so the measured process does not load werift to read them.
 */

/** Upper bounds (ms) of the buckets. */
export const MEDIA_CONNECT_BUCKETS_MS = [50, 100, 250, 500, 1000, 1500, 2000, 3000, 5000, 10000] as const;

/** The bucket a media set-up time (ms) falls in. */
export function connectBucket(ms: number): string {
  return String(MEDIA_CONNECT_BUCKETS_MS.find((bound) => ms <= bound) ?? "inf");
}

/** The upper bound of the bucket holding quantile q of a bucketed count: ms, "inf" above the last bound, NaN if empty. */
export function bucketQuantile(buckets: Record<string, number>, q: number): number | "inf" {
  const entries = Object.entries(buckets).sort(([a], [b]) => (a === "inf" ? Infinity : Number(a)) - (b === "inf" ? Infinity : Number(b)));
  const total = entries.reduce((n, [, v]) => n + v, 0);
  let seen = 0;
  for (const [bucket, n] of entries) {
    seen += n;
    if (seen >= q * total) return bucket === "inf" ? "inf" : Number(bucket);
  }
  return Number.NaN;
}
