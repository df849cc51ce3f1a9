"use client";

import { useEffect, useState } from "react";

/**
 * The current time, refreshed every `intervalMs` while `active`: one clock for the desk's timers
 * instead of each timer keeping its own interval. Starts at 0 on the server render and the first
 * client render (no hydration mismatch), then the real time.
 */
export function useNow(active: boolean, intervalMs = 1_000): number {
  const [now, setNow] = useState(0);
  useEffect(() => {
    if (!active) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, intervalMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [active, intervalMs]);
  return now;
}
