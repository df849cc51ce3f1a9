"use client";

import { useEffect, useState } from "react";

/** How often statistics are read during a call (getStats has no change event). */
const SAMPLE_MS = 2_000;
/** Above any of these the operator is warned (ITU-T G.114 puts one-way delay trouble from 150 ms; voice degrades past a few % loss). */
export const QUALITY_LIMITS = { lossPercent: 5, jitterMs: 50, rttMs: 400 } as const;

export interface CallQuality {
  lossPercent: number;
  jitterMs: number;
  rttMs: number;
  poor: boolean;
}

/** Counters read from one getStats() report: inbound audio packets received and lost, jitter (s), round trip (s). */
export interface StatsSample {
  received: number;
  lost: number;
  jitterS: number;
  rttS: number;
}

/**
 * Quality over the interval between two samples: loss is the share of packets lost among those expected in the
 * interval (received + lost deltas), in percent to one decimal; jitter and round trip in ms; `poor` past any limit.
 */
export function qualityBetween(previous: StatsSample, current: StatsSample): CallQuality {
  const received = current.received - previous.received;
  const lost = Math.max(0, current.lost - previous.lost);
  const expected = received + lost;
  const lossPercent = expected > 0 ? Math.round((lost / expected) * 1000) / 10 : 0;
  const jitterMs = Math.round(current.jitterS * 1000);
  const rttMs = Math.round(current.rttS * 1000);
  const poor = lossPercent > QUALITY_LIMITS.lossPercent || jitterMs > QUALITY_LIMITS.jitterMs || rttMs > QUALITY_LIMITS.rttMs;
  return { lossPercent, jitterMs, rttMs, poor };
}

/**
 * The live call's audio quality from `RTCPeerConnection.getStats()`, every 2 s while `active`: packet loss over
 * the last interval (inbound), jitter, and round-trip time (from the remote's RTCP reports). Undefined until the
 * first interval has passed.
 */
export function useCallQuality(active: boolean, peerConnection: () => RTCPeerConnection | undefined): CallQuality | undefined {
  const [quality, setQuality] = useState<CallQuality>();
  useEffect(() => {
    if (!active) return;
    let last: StatsSample | undefined;
    const timer = setInterval(async () => {
      const pc = peerConnection();
      if (!pc) return;
      const sample: StatsSample = { received: 0, lost: 0, jitterS: 0, rttS: 0 };
      (await pc.getStats()).forEach((report) => {
        if (report.type === "inbound-rtp" && report.kind === "audio") {
          sample.received += report.packetsReceived ?? 0;
          sample.lost += report.packetsLost ?? 0;
          sample.jitterS = Math.max(sample.jitterS, report.jitter ?? 0);
        }
        if (report.type === "remote-inbound-rtp" && report.kind === "audio") sample.rttS = Math.max(sample.rttS, report.roundTripTime ?? 0);
      });
      if (last) setQuality(qualityBetween(last, sample));
      last = sample;
    }, SAMPLE_MS);
    return () => {
      clearInterval(timer);
      setQuality(undefined);
    };
  }, [active, peerConnection]);
  return active ? quality : undefined;
}
