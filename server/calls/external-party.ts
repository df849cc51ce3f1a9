/**
 * The port through which a call session reaches an external party over the trunk (a blind transfer to a directory
 * contact or a typed number, issue 9): implemented by server/outbound's `OutboundCalls.placeTrunkCall` (allow-list,
 * digest authentication, caller ID = the queue's hotline number), a fake in unit tests.
 * @module
 */

/** What the external call reports back (RFC 3261 §13.2: 2xx answered, 3xx-6xx or a timeout failed). */
export interface ExternalCallEvents {
  /** The external party answered with `sdp` (the ACK is on its way). */
  answered(sdp: string): void;
  /** No call: `status` is the final SIP status (408 timeout, 486 busy, 503 unreachable, 403 refused by policy). */
  failed(status: number): void;
  /** The external party hung up (BYE) after answering. */
  hungUp(): void;
}

/** An external call in progress. */
export interface ExternalCall {
  /** CANCEL while it rings, BYE once answered (RFC 3261 §9.1, §15). */
  end(): void;
  /**
   * A re-INVITE with a new SDP offer once answered (RFC 3261 §14.1): moves the external party's media (a completed
   * consultation joins it to the caller). Resolves with the final status (481 before the answer) and the answer SDP.
   */
  reoffer(sdp: string): Promise<{ status: number; sdp: string | undefined }>;
}

/** Places external calls; refusals (`not-allowed`, `not-a-number`, `forbidden-role`, `no-trunk`) are not thrown. */
export interface ExternalDialler {
  /** The allow-list check alone (toll-fraud guard), before anything changes on the call. */
  check(number: string, operatorId: number): Promise<{ ok: true; number: string } | { ok: false; reason: string }>;
  /** Sends the INVITE with `sdp` (plain RTP G.711); the caller ID is the hotline number of `queueId`. */
  place(args: { number: string; operatorId: number; queueId: number; sdp: string; events: ExternalCallEvents }): Promise<
    { ok: true; call: ExternalCall } | { ok: false; reason: string }
  >;
}

/** How long an external party may ring before the caller is taken back, ms (a voicemail usually answers by 25 s). */
export const EXTERNAL_RING_TIMEOUT_MS = 30_000;
