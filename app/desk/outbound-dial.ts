/**
 * Outbound calls from the desk's softphone: the INVITE the B2BUA routes to the trunk (`X-Hotline-Outbound`, and
 * `X-Hotline-Callback: <id>` when it calls back a callback request), and what its failure means for the operator.
 * Why SIP and not a server-initiated call: the softphone already owns the microphone, the call state and the
 * hang-up button; an INVITE from it gets the ringing (180/183), the CANCEL when the operator gives up and the busy
 * or refused answer for free, and the server needs no extra "call the operator first" leg.
 */
import { Inviter, UserAgent } from "sip.js";

export { dialFailureOf, isDialable, type DialFailure } from "./outbound-dial-rules";

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

/**
 * The consultation's INVITE (attended transfer, issue 9): an outbound call tied by `X-Hotline-Consult` to the call
 * whose caller holds; the server calls the number the operator chose for the consultation (the Request-URI's user is
 * only a label).
 */
export function consultInviter(userAgent: UserAgent, aor: string, callId: string): Inviter | undefined {
  const host = /@([^;>]+)/.exec(aor)?.[1] ?? "hotline.invalid";
  const target = UserAgent.makeURI(`sip:consult@${host}`);
  if (!target) return undefined;
  return new Inviter(userAgent, target, {
    extraHeaders: ["X-Hotline-Outbound: 1", `X-Hotline-Consult: ${callId}`],
    sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
  });
}
