/**
 * The timers of one owner (a call's menu, its voicemail step), cleared together when the call ends or the caller
 * acts. Each timer is unref'd (it never holds the process open) and forgotten once it fired, so the set holds only
 * pending ones. Times in milliseconds.
 */
export class TimerSet {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Runs `run` after `ms` unless {@link clear} comes first. */
  after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  /** Cancels every pending timer. */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
