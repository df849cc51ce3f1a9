/**
 * When does an rtpengine instance lose its sessions? A pure decision over the instance's status snapshots (no I/O,
 * no clock), so the call path can be told exactly once per loss, and unit tests can drive every transition.
 *
 * rtpengine keeps its calls in memory only (Hotline runs it without Redis), so:
 * - an instance that was `up` and is now `down` or `starting` lost every session: a spawned child died or was killed
 *   (the supervisor reports `down` at its exit, then `starting` for its restart), or an external one stopped
 *   answering pings (after `maxPingFailures` pings: its media is unusable either way);
 * - an instance still `up` whose pid changed, or whose restart count went up, was restarted between two snapshots
 *   ("came back without its sessions" without ever being seen down);
 * - `stopped` is Hotline's own shutdown: the call path ends its calls itself, this is not a loss.
 *
 * A loss is reported once per outage: only a move away from `up` (or a restart seen while up) counts, so the
 * `down` -> `starting` -> `down` steps of a failing restart are not reported again.
 */
import type { MediaInstanceStatus } from "./rtpengine-supervisor.js";

/** What the detector remembers of one instance between snapshots. */
interface Seen {
  state: MediaInstanceStatus["state"];
  pid: number | undefined;
  restarts: number;
}

/**
 * Tracks instances by id and tells, for each status snapshot, whether the sessions living on that instance are gone.
 */
export class SessionLossDetector {
  private readonly seen = new Map<string, Seen>();

  /**
   * Feeds one snapshot (from {@link MediaInstance.onStateChange} or a status read). Returns true when the sessions
   * of this instance were lost since the previous snapshot (once per outage), false otherwise.
   */
  observe(status: MediaInstanceStatus): boolean {
    const before = this.seen.get(status.id);
    this.seen.set(status.id, { state: status.state, pid: status.pid, restarts: status.restarts });
    if (!before || before.state !== "up") return false;
    if (status.state === "down" || status.state === "starting") return true;
    if (status.state !== "up") return false; // stopped: our own shutdown
    return (before.pid !== undefined && status.pid !== before.pid) || status.restarts > before.restarts;
  }
}
