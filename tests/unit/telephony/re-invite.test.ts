import { describe, expect, it } from "vitest";
import type { SipResponse } from "../../../server/sip";
import { sendReInvite } from "../../../server/telephony/re-invite";
import { MAX_AUTH_ROUNDS } from "../../../server/telephony/trunk-auth";
import { SipDialog } from "../../../server/telephony/sip-dialog";
import { PROVIDER, challenge, digestValid, fakeProvider, seqOf } from "./fake-provider";

const OFFER = "v=0\r\no=hotline 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 8\r\n";
const ANSWER = "v=0\r\no=prov 1 2 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8\r\n";
const CREDENTIALS = { username: "hotline", password: "s3cret" };

/** A confirmed trunk dialog whose last request of ours had CSeq 4, re-INVITEd through the real transaction layer. */
function setup(credentials: typeof CREDENTIALS | null = CREDENTIALS) {
  const provider = fakeProvider();
  const dialog = new SipDialog({
    callId: "reinvite-1@192.0.2.1",
    localTag: "hot1",
    remoteTag: "prov1",
    localUri: "<sip:hotline@sip.example.net>",
    remoteUri: "<sip:+15550001111@sip.example.net>",
    remoteTarget: "sip:+15550001111@192.0.2.10:5060",
    routeSet: [],
    localSeq: 4,
    local: { hostport: "192.0.2.1:5060", transport: "UDP" },
    fallback: { transport: "UDP", ...PROVIDER },
  });
  const acks: Array<{ cseq: number; credentials: Array<[string, string]> }> = [];
  const result = sendReInvite({
    dialog,
    sdp: OFFER,
    credentials: credentials ?? undefined,
    send: (request, onResponse: (response: SipResponse) => void) =>
      provider.layer.sendRequest(request, dialog.destination(), { onResponse, onTimeout: () => undefined, onTransportError: () => undefined }),
    ack: (cseq, credentials) => acks.push({ cseq, credentials }),
    cnonce: () => "0a1b2c3d",
  });
  let settled: { status: number; sdp: string | undefined } | undefined;
  void result.then((r) => (settled = r));
  return { ...provider, dialog, acks, result, settled: () => settled };
}

describe("re-INVITE toward a provider that challenges it (RFC 3261 §22.2, §14.1)", () => {
  it("answers a 401 with Authorization, CSeq + 1 and a new branch, and ACKs the 200 with the new CSeq and the same credentials", async () => {
    const { last, answer, requests, acks, result } = setup();
    const first = last("INVITE");
    expect(seqOf(first)).toBe(5);
    expect(first.headers.get("Authorization")).toBeUndefined();
    answer(401, [["WWW-Authenticate", challenge("n1")]], { request: first });
    // The transaction ACKs the 401 itself (§17.1.1.3).
    expect(seqOf(last("ACK"))).toBe(5);
    const second = last("INVITE");
    expect(requests("INVITE")).toHaveLength(2);
    expect(seqOf(second)).toBe(6);
    expect(second.headers.get("Via")).not.toBe(first.headers.get("Via"));
    expect(second.headers.get("To")).toBe(first.headers.get("To"));
    expect(second.body.toString()).toBe(OFFER);
    expect(digestValid(second, "Authorization", CREDENTIALS.password)).toBe(true);
    answer(200, [["Content-Type", "application/sdp"]], { request: second, body: ANSWER });
    await expect(result).resolves.toEqual({ status: 200, sdp: ANSWER });
    // §13.2.2.4: the ACK carries the INVITE's CSeq number and its credentials.
    expect(acks).toEqual([{ cseq: 6, credentials: [["Authorization", second.headers.get("Authorization")!]] }]);
  });

  it("answers a 407 with Proxy-Authorization", async () => {
    const { last, answer, result } = setup();
    answer(407, [["Proxy-Authenticate", challenge("p1")]], { request: last("INVITE") });
    const second = last("INVITE");
    expect(digestValid(second, "Proxy-Authorization", CREDENTIALS.password)).toBe(true);
    answer(200, [["Content-Type", "application/sdp"]], { request: second, body: ANSWER });
    expect((await result).status).toBe(200);
  });

  it("refused credentials for the nonce it answered end it: the re-INVITE failed with that status", async () => {
    const { last, answer, requests, result, acks } = setup();
    answer(401, [["WWW-Authenticate", challenge("n1")]], { request: last("INVITE") });
    answer(401, [["WWW-Authenticate", challenge("n1")]], { request: last("INVITE") });
    await expect(result).resolves.toEqual({ status: 401, sdp: undefined });
    expect(requests("INVITE")).toHaveLength(2);
    expect(acks).toEqual([]);
  });

  it("answers new nonces as the provider's other requests do, up to MAX_AUTH_ROUNDS attempts in all", async () => {
    const { last, answer, requests, result } = setup();
    for (const nonce of ["n1", "n2", "n3"]) answer(401, [["WWW-Authenticate", challenge(nonce)]], { request: last("INVITE") });
    await expect(result).resolves.toEqual({ status: 401, sdp: undefined });
    expect(requests("INVITE")).toHaveLength(MAX_AUTH_ROUNDS);
  });

  it("without credentials a challenge is the final status, and nothing is re-sent", async () => {
    const { last, answer, requests, result } = setup(null);
    answer(407, [["Proxy-Authenticate", challenge("p1")]], { request: last("INVITE") });
    await expect(result).resolves.toEqual({ status: 407, sdp: undefined });
    expect(requests("INVITE")).toHaveLength(1);
  });

  it("a 200 at once needs no credentials and is ACKed with the re-INVITE's CSeq", async () => {
    const { last, answer, result, acks } = setup();
    expect(last("INVITE").headers.get("Authorization")).toBeUndefined();
    answer(200, [["Content-Type", "application/sdp"]], { request: last("INVITE"), body: ANSWER });
    expect((await result).status).toBe(200);
    expect(acks).toEqual([{ cseq: 5, credentials: [] }]);
  });
});
