"use client";

import { formatElapsed } from "./format-elapsed";
import { useNow } from "./use-now";

/**
 * A running `m:ss` clock since `since` (epoch ms). The digits are isolated LTR so an Arabic page does
 * not reorder them; role="timer" keeps screen readers from announcing every tick, and the
 * (visually hidden) label tells them what is being timed.
 */
export function ElapsedTime({ since, label, testId }: { since: number; label: string; testId?: string }) {
  const now = useNow(true);
  return (
    <span role="timer">
      <span className="sr-only">{label}: </span>
      <span dir="ltr" data-testid={testId} className="font-mono tabular-nums">
        {now === 0 ? "0:00" : formatElapsed(now - since)}
      </span>
    </span>
  );
}
