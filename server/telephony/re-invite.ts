/**
 * A re-INVITE we send in an existing dialog (RFC 3261 §14.1), answering digest challenges as our other requests to
 * the provider do: a provider may challenge a mid-dialog request of ours with 401 + WWW-Authenticate or 407 +
 * Proxy-Authenticate (§22.2, §22.3). With the trunk's credentials the re-INVITE is sent again (the dialog's next
 * CSeq, a new branch) with the answer, up to {@link MAX_AUTH_ROUNDS} attempts in all; a challenge that cannot be
 * answered (no credentials, unusable, or our credentials refused for the nonce we used) ends it with that status,
 * which callers treat as any failed re-INVITE (the previous session description stays, §14.1).
 *
 * Every 2xx (its retransmissions too, RFC 6026 §7.2) is acknowledged with an ACK carrying the CSeq number and the
 * credentials of the re-INVITE it answers (§13.2.2.4); a non-2xx final response is acknowledged by the transaction
 * layer (§17.1.1.3).
 * @module
 */
import type { DigestCredentials, SipResponse } from "../sip";
import type { ReofferResult } from "./leg-signalling";
import type { SipDialog } from "./sip-dialog";
import { credentialHeaders, DigestAuthenticator, isChallenge, MAX_AUTH_ROUNDS } from "./trunk-auth";

export interface ReInviteArgs {
  dialog: SipDialog;
  /** The SDP offer. */
  sdp: string;
  /** The trunk's account: present, challenges are answered; absent, a 401/407 is the final status. */
  credentials: DigestCredentials | undefined;
  /** Sends an in-dialog request in a client transaction; `onResponse` gets every response (408 on timeout). */
  send(request: ReturnType<SipDialog["request"]>, onResponse: (response: SipResponse) => void): void;
  /** ACK for a 2xx to the re-INVITE whose CSeq number is `cseq`, with that re-INVITE's credential headers. */
  ack(cseq: number, credentials: Array<[string, string]>): void;
  /** Fixed digest cnonce (tests). */
  cnonce?: () => string;
}

/** Sends the re-INVITE (see the module); resolves with the final status and the answer SDP, never rejects. */
export function sendReInvite(args: ReInviteArgs): Promise<ReofferResult> {
  const { dialog, sdp } = args;
  const auth = args.credentials && new DigestAuthenticator(args.credentials, args.cnonce);
  return new Promise((resolve) => {
    let settled = false;
    const attempt = (round: number) => {
      const invite = dialog.request("INVITE", { body: sdp });
      auth?.authorize(invite);
      const cseq = dialog.localSeq;
      args.send(invite, (response) => {
        if (response.status < 200) return;
        if (response.status < 300) args.ack(cseq, credentialHeaders(invite));
        if (settled) return;
        if (auth && isChallenge(response.status) && round < MAX_AUTH_ROUNDS && auth.learn(response, invite).ok) return attempt(round + 1);
        settled = true;
        resolve({ status: response.status, sdp: response.body.length ? response.body.toString("utf8") : undefined });
      });
    };
    attempt(1);
  });
}
