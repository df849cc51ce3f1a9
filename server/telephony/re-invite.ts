/**
 * A re-INVITE we send in an existing dialog (RFC 3261 §14.1), with one answer to a digest challenge: a provider may
 * challenge a mid-dialog request of ours with 401 + WWW-Authenticate or 407 + Proxy-Authenticate (§22.2, §22.3). With
 * the trunk's credentials, the re-INVITE is sent once more with CSeq + 1, a new branch and the Authorization (or
 * Proxy-Authorization) answer; a second challenge, an unusable one, or no credentials end it with that status, which
 * callers treat as any failed re-INVITE (the previous session description stays, §14.1).
 *
 * Every 2xx (its retransmissions too, RFC 6026 §7.2) is acknowledged with an ACK carrying the CSeq number of the
 * re-INVITE it answers (§13.2.2.4); a non-2xx final response is acknowledged by the transaction layer (§17.1.1.3).
 * @module
 */
import type { DigestCredentials, SipResponse } from "../sip";
import type { ReofferResult } from "./leg-signalling";
import type { SipDialog } from "./sip-dialog";
import { DigestAuthenticator, isChallenge } from "./trunk-auth";

export interface ReInviteArgs {
  dialog: SipDialog;
  /** The SDP offer. */
  sdp: string;
  /** The trunk's account: present, one challenge is answered; absent, a 401/407 is the final status. */
  credentials: DigestCredentials | undefined;
  /** Sends an in-dialog request in a client transaction; `onResponse` gets every response (408 on timeout). */
  send(request: ReturnType<SipDialog["request"]>, onResponse: (response: SipResponse) => void): void;
  /** ACK for a 2xx to the re-INVITE whose CSeq number is `cseq`. */
  ack(cseq: number): void;
  /** Fixed digest cnonce (tests). */
  cnonce?: () => string;
}

/** Sends the re-INVITE (see the module); resolves with the final status and the answer SDP, never rejects. */
export function sendReInvite(args: ReInviteArgs): Promise<ReofferResult> {
  const { dialog, sdp } = args;
  return new Promise((resolve) => {
    let settled = false;
    let retried = false;
    const settle = (response: SipResponse) => {
      if (settled) return;
      settled = true;
      resolve({ status: response.status, sdp: response.body.length ? response.body.toString("utf8") : undefined });
    };
    const attempt = (auth: DigestAuthenticator | undefined) => {
      const invite = dialog.request("INVITE", { body: sdp });
      auth?.authorize(invite);
      const cseq = dialog.localSeq;
      args.send(invite, (response) => {
        if (response.status < 200) return;
        if (response.status < 300) args.ack(cseq);
        // One answer to a challenge (the first attempt only): more would only loop on a provider that refuses us.
        if (!auth && isChallenge(response.status) && args.credentials) {
          if (retried) return;
          const next = new DigestAuthenticator(args.credentials, args.cnonce);
          if (next.learn(response, invite).ok) {
            retried = true;
            return attempt(next);
          }
        }
        settle(response);
      });
    };
    attempt(undefined);
  });
}
