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

/**
 * The live call's audio quality from `RTCPeerConnection.getStats()`, every 2 s while `active`: packet loss over
 * the last interval (inbound), jitter, and round-trip time (from the remote's RTCP reports). Undefined until the
 * first interval has passed.
 */
export function useCallQuality(active: boolean, peerConnection: () => RTCPeerConnection | undefined): CallQuality | undefined {
  const [quality, setQuality] = useState<CallQuality>();
  useEffect(() => {
    if (!active) return;
    let last: { received: number; lost: number } | undefined;
    const timer = setInterval(async () => {
      const pc = peerConnection();
      if (!pc) return;
      let received = 0;
      let lost = 0;
      let jitter = 0;
      let rtt = 0;
      (await pc.getStats()).forEach((report) => {
        if (report.type === "inbound-rtp" && report.kind === "audio") {
          received += report.packetsReceived ?? 0;
          lost += report.packetsLost ?? 0;
          jitter = Math.max(jitter, report.jitter ?? 0);
        }
        if (report.type === "remote-inbound-rtp" && report.kind === "audio") rtt = Math.max(rtt, report.roundTripTime ?? 0);
      });
      if (last) {
        const expected = received - last.received + (lost - last.lost);
        const lossPercent = expected > 0 ? Math.max(0, Math.round(((lost - last.lost) / expected) * 1000) / 10) : 0;
        const jitterMs = Math.round(jitter * 1000);
        const rttMs = Math.round(rtt * 1000);
        const poor = lossPercent > QUALITY_LIMITS.lossPercent || jitterMs > QUALITY_LIMITS.jitterMs || rttMs > QUALITY_LIMITS.rttMs;
        setQuality({ lossPercent, jitterMs, rttMs, poor });
      }
      last = { received, lost };
    }, SAMPLE_MS);
    return () => {
      clearInterval(timer);
      setQuality(undefined);
    };
  }, [active, peerConnection]);
  return active ? quality : undefined;
}
