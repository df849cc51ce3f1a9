/**
 * Elapsed time as a desk clock: `m:ss` under an hour, `h:mm:ss` beyond. Digits only, so it reads the
 * same in every language (Arabic pages show it in an LTR-isolated element).
 */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, "0");
  if (hours === 0) return `${minutes}:${ss}`;
  return `${hours}:${String(minutes).padStart(2, "0")}:${ss}`;
}
