/**
 * The desk's pre-call check: a loopback "call" through rtpengine between two peer connections of the same browser.
 *
 * The browser's sending connection (A) offers; rtpengine turns that offer into one for the receiving connection (B);
 * B's answer goes back through rtpengine to A. The audio thus takes the path of a real call (browser -> rtpengine
 * with ICE and DTLS-SRTP -> browser), so the browser can measure from `getStats` what a call would get: round-trip
 * (A's `remote-inbound-rtp.roundTripTime`, from B's receiver reports relayed by rtpengine) and packet loss (B's
 * `inbound-rtp`). Node handles only the two ng messages; media stays in rtpengine.
 *
 * Bounds: one check per operator (a new one replaces the old), each deleted from rtpengine after
 * {@link LOOPBACK_MAX_MS} at the latest, so a closed tab cannot leave a session behind.
 */
import { randomBytes } from "node:crypto";
import { browserLegOptions, finishBrowserSdp } from "./leg-profiles.js";
import type { MediaPool } from "./rtpengine-supervisor.js";

/** Longest a loopback check may hold an rtpengine session, ms. */
export const LOOPBACK_MAX_MS = 30_000;

/** Largest SDP accepted from the browser, characters (a Chromium audio offer is about 3,000). */
export const LOOPBACK_MAX_SDP = 16_384;

interface Check {
  callId: string;
  timer: NodeJS.Timeout;
}

/** Thrown for a step out of order (an answer without an offer) or an SDP that is not one. */
export class LoopbackCheckError extends Error {
  override name = "LoopbackCheckError";
}

export class LoopbackChecks {
  private readonly checks = new Map<number, Check>();

  constructor(
    private readonly pool: MediaPool,
    private readonly maxMs = LOOPBACK_MAX_MS,
  ) {}

  /**
   * Starts a check for `userId` from connection A's offer; returns the offer for connection B. Ends the user's
   * previous check first. Throws {@link LoopbackCheckError} for a body that is not SDP, `NoMediaInstanceError`
   * when no rtpengine is up, and the ng client's errors when rtpengine refuses.
   */
  async offer(userId: number, sdp: string): Promise<string> {
    checkSdp(sdp);
    await this.end(userId);
    const callId = `loopback-${userId}-${randomBytes(6).toString("hex")}`;
    const instance = this.pool.acquire(callId);
    const timer = setTimeout(() => void this.end(userId), this.maxMs);
    timer.unref();
    this.checks.set(userId, { callId, timer });
    try {
      const reply = await instance.client.offer({
        callId,
        fromTag: "a",
        sdp,
        options: browserLegOptions("offer", { injectDtmf: false }),
      });
      return finishBrowserSdp(reply.sdp);
    } catch (error) {
      await this.end(userId);
      throw error;
    }
  }

  /** Completes the user's check with connection B's answer; returns the answer for connection A. */
  async answer(userId: number, sdp: string): Promise<string> {
    checkSdp(sdp);
    const check = this.checks.get(userId);
    if (!check) throw new LoopbackCheckError("no loopback check in progress");
    const instance = this.pool.acquire(check.callId);
    const reply = await instance.client.answer({
      callId: check.callId,
      fromTag: "a",
      toTag: "b",
      sdp,
      options: browserLegOptions("answer", { injectDtmf: false }),
    });
    return finishBrowserSdp(reply.sdp);
  }

  /** Ends the user's check (no-op when there is none): deletes its rtpengine session. Never throws. */
  async end(userId: number): Promise<void> {
    const check = this.checks.get(userId);
    if (!check) return;
    this.checks.delete(userId);
    clearTimeout(check.timer);
    const instance = this.pool.get(check.callId);
    this.pool.release(check.callId);
    await instance?.client.delete({ callId: check.callId }).catch(() => undefined);
  }

  /** Checks in progress (for tests and health). */
  get size(): number {
    return this.checks.size;
  }

  /** Ends every check (shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.checks.keys()].map((userId) => this.end(userId)));
  }
}

function checkSdp(sdp: unknown): asserts sdp is string {
  if (typeof sdp !== "string" || sdp.length > LOOPBACK_MAX_SDP || !sdp.startsWith("v=0")) {
    throw new LoopbackCheckError("not an SDP body");
  }
}
