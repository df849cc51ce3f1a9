/**
 * Outbound calls from the desk's softphone: the INVITE the B2BUA routes to the trunk (`X-Hotline-Outbound`, and
 * `X-Hotline-Callback: <id>` when it calls back a callback request), and what its failure means for the operator.
 * Why SIP and not a server-initiated call: the softphone already owns the microphone, the call state and the
 * hang-up button; an INVITE from it gets the ringing (180/183), the CANCEL when the operator gives up and the busy
 * or refused answer for free, and the server needs no extra "call the operator first" leg.
 */
import { Inviter, UserAgent } from "sip.js";

/** Why an outbound call did not connect, from the final SIP status. */
export type DialFailure = "refused" | "busy" | "no-answer" | "no-trunk" | "failed";

/** RFC 3261 §21: 403 is the allow-list's refusal, 486/600 busy, 408/480/487 nobody answered, 503 no trunk. */
export function dialFailureOf(status: number): DialFailure {
  if (status === 403) return "refused";
  if (status === 486 || status === 600) return "busy";
  if (status === 408 || status === 480 || status === 487) return "no-answer";
  if (status === 503) return "no-trunk";
  return "failed";
}

/** What the operator may type: digits with an optional leading +, spaces, dots, dashes and parentheses. */
export function isDialable(number: string): boolean {
  return /^\+?[0-9 .()-]{2,30}$/.test(number.trim()) && /\d/.test(number);
}

/** The INVITE toward `number` on the operator's own domain (the B2BUA, over the SIP WebSocket). */
export function outboundInviter(userAgent: UserAgent, aor: string, number: string, callbackId?: number): Inviter | undefined {
  const host = /@([^;>]+)/.exec(aor)?.[1] ?? "hotline.invalid";
  const target = UserAgent.makeURI(`sip:${encodeURIComponent(number.trim())}@${host}`);
  if (!target) return undefined;
  return new Inviter(userAgent, target, {
    extraHeaders: ["X-Hotline-Outbound: 1", ...(callbackId === undefined ? [] : [`X-Hotline-Callback: ${callbackId}`])],
    sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
  });
}
