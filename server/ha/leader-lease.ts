/**
 * Active/standby: exactly one Hotline node runs telephony, the one holding the leader lease, a PostgreSQL
 * session-level advisory lock (`pg_advisory_lock`, https://www.postgresql.org/docs/current/explicit-locking.html
 * #ADVISORY-LOCKS) on its own connection of the shared database.
 *
 * - A standby waits inside `pg_advisory_lock`: PostgreSQL wakes it the moment the lock is free, no polling.
 * - The lock lives as long as the holder's session. A holder that dies (SIGKILL, crash, power) closes its TCP
 *   connection, the server ends the session and the lock goes to the standby. A holder cut off from the database
 *   without a TCP close is found by the server's TCP keepalives, set on this session to {@link KEEPALIVE_S} s idle,
 *   1 s interval, 3 probes: the lock frees within about 4 s.
 * - Fencing: the holder checks its session every {@link LEASE_CHECK_MS} ms (`select 1`, answered within
 *   {@link LEASE_CHECK_TIMEOUT_MS} ms) and reports `lost` at the first failure, before the server could have handed
 *   the lock on (4 s); the node must then stop serving at once (main.ts exits, and the supervisor restarts it as a
 *   standby).
 */
import { EventEmitter } from "node:events";
import pg from "pg";
import type { Logger } from "../logger";

/** The advisory lock's key: "HOTL" in ASCII, so it does not collide with another application's lock by chance. */
export const LEADER_LOCK_KEY = 0x484f544c;
/** Server-side TCP keepalive idle time on the lease session, s. */
export const KEEPALIVE_S = 1;
/** How often the holder checks its lease session, ms. */
export const LEASE_CHECK_MS = 1000;
/** How long a check may take before the lease counts as lost, ms. */
export const LEASE_CHECK_TIMEOUT_MS = 1500;
/** Wait before a standby reconnects after its waiting connection failed, ms. */
export const RECONNECT_MS = 1000;

export interface LeaderLeaseEvents {
  /** The lease is gone (session error or a failed check): stop serving now. */
  lost: [reason: string];
}

export class LeaderLease extends EventEmitter<LeaderLeaseEvents> {
  private timer: NodeJS.Timeout | undefined;
  private released = false;

  private constructor(
    private readonly client: pg.Client,
    private readonly logger: Logger,
  ) {
    super();
    client.on("error", (error) => this.lose(`lease session error: ${error.message}`));
    client.on("end", () => this.lose("lease session ended"));
    this.timer = setInterval(() => void this.check(), LEASE_CHECK_MS);
    this.timer.unref();
  }

  /**
   * Waits until this node holds the lease (forever, reconnecting every {@link RECONNECT_MS} ms while the database is
   * unreachable), unless `signal` aborts first (then rejects with the abort reason). `onWaiting` runs once, when the
   * lock turned out to be held by another node.
   */
  static async acquire(databaseUrl: string, options: { logger: Logger; signal?: AbortSignal; onWaiting?: () => void }): Promise<LeaderLease> {
    let waitingTold = false;
    for (;;) {
      options.signal?.throwIfAborted();
      const client = new pg.Client({ connectionString: databaseUrl, keepAlive: true, keepAliveInitialDelayMillis: 1000, application_name: "hotline-leader-lease" });
      const abort = () => void client.end().catch(() => undefined);
      options.signal?.addEventListener("abort", abort, { once: true });
      try {
        await client.connect();
        await client.query(`set tcp_keepalives_idle = ${KEEPALIVE_S}; set tcp_keepalives_interval = 1; set tcp_keepalives_count = 3`);
        const { rows } = await client.query<{ held: boolean }>("select pg_try_advisory_lock($1) as held", [LEADER_LOCK_KEY]);
        if (!rows[0]?.held) {
          if (!waitingTold) options.onWaiting?.();
          waitingTold = true;
          options.logger.info("standby: another node holds the leader lease; waiting for it");
          await client.query("select pg_advisory_lock($1)", [LEADER_LOCK_KEY]);
        }
        options.signal?.removeEventListener("abort", abort);
        options.logger.info("leader lease acquired: this node is active");
        return new LeaderLease(client, options.logger);
      } catch (error) {
        options.signal?.removeEventListener("abort", abort);
        await client.end().catch(() => undefined);
        options.signal?.throwIfAborted();
        options.logger.warn("leader lease: database unreachable, retrying", { error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      }
    }
  }

  /** Gives the lease up (clean shutdown): the standby takes over at once. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    await this.client.end().catch(() => undefined);
  }

  private async check(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.query("select 1"),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${LEASE_CHECK_TIMEOUT_MS} ms`)), LEASE_CHECK_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      this.lose(`lease check failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private lose(reason: string): void {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    this.logger.error("leader lease lost: this node stops serving", { reason });
    void this.client.end().catch(() => undefined);
    this.emit("lost", reason);
  }
}
