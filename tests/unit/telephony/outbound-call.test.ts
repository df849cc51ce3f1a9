import { describe, expect, it } from "vitest";
import type { SipDialog } from "../../../server/telephony/sip-dialog";
import { OutboundCall, type OutboundCallFailure } from "../../../server/telephony/outbound-call";
import { PROVIDER, challenge, digestValid, fakeProvider, param, seqOf } from "./fake-provider";

const OFFER = "v=0\r\no=hotline 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 8\r\n";
const ANSWER = "v=0\r\no=prov 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8\r\n";

function setup(options: { credentials?: boolean } = {}) {
  const provider = fakeProvider();
  const events: string[] = [];
  let failure: OutboundCallFailure | undefined;
  let dialog: SipDialog | undefined;
  const call = new OutboundCall({
    layer: provider.layer,
    local: { hostport: "192.0.2.1:5060", transport: "UDP" },
    destination: { transport: "UDP", ...PROVIDER },
    domain: "sip.example.net",
    number: "+15550001111",
    sdp: OFFER,
    fromUser: "hotline",
    fromDisplay: "Hotline",
    ...(options.credentials === false ? {} : { credentials: { username: "hotline", password: "s3cret" } }),
    timers: provider.timers,
    cnonce: () => "0a1b2c3d",
    events: {
      onProvisional: (status) => events.push(`provisional ${status}`),
      onAnswered: (sdp, d) => {
        dialog = d;
        events.push(`answered ${sdp === ANSWER}`);
      },
      onFailed: (f) => {
        failure = f;
        events.push(`failed ${f.status}${f.cancelled ? " cancelled" : ""}`);
      },
    },
  });
  return { ...provider, call, events, failure: () => failure, dialog: () => dialog };
}

describe("OutboundCall", () => {
  it("re-sends the INVITE with Proxy-Authorization after 407, then ACKs the 200 with the same credentials", () => {
    const { call, events, requests, last, answer, dialog, transport } = setup();
    call.start();
    const first = last("INVITE");
    expect(first.uri).toBe("sip:+15550001111@sip.example.net");
    expect(first.headers.get("From")).toMatch(/^"Hotline" <sip:hotline@sip\.example\.net>;tag=/);
    expect(first.body.toString()).toBe(OFFER);

    answer(100, [], { request: first });
    answer(407, [["Proxy-Authenticate", challenge("p1")]], { request: first });
    // The transaction ACKs the 407 itself (§17.1.1.3), on the first INVITE's branch.
    const ack407 = last("ACK");
    expect(seqOf(ack407)).toBe(1);
    expect(ack407.headers.get("Via")).toBe(first.headers.get("Via"));

    const second = last("INVITE");
    expect(requests("INVITE")).toHaveLength(2);
    expect(seqOf(second)).toBe(2);
    expect(second.headers.get("Call-ID")).toBe(first.headers.get("Call-ID"));
    expect(second.headers.get("From")).toBe(first.headers.get("From"));
    expect(param(second.headers.get("Via"), "branch")).not.toBe(param(first.headers.get("Via"), "branch"));
    expect(digestValid(second, "Proxy-Authorization", "s3cret")).toBe(true);
    expect(second.body.toString()).toBe(OFFER);

    answer(180, [], { request: second });
    expect(call.state).toBe("proceeding");
    const contact: [string, string] = ["Contact", "<sip:gw@192.0.2.20:5070>"];
    answer(200, [contact, ["Content-Type", "application/sdp"]], { request: second, body: ANSWER });
    expect(events).toEqual(["provisional 180", "answered true"]);
    expect(call.state).toBe("answered");
    expect(dialog()?.init.remoteTag).toBe("prov1");

    const ack = last("ACK");
    expect(ack.uri).toBe("sip:gw@192.0.2.20:5070");
    expect(ack.headers.get("CSeq")).toBe("2 ACK");
    expect(ack.headers.get("Proxy-Authorization")).toBe(second.headers.get("Proxy-Authorization"));

    // A retransmitted 200 (our ACK was lost) is ACKed again and reported once.
    answer(200, [contact, ["Content-Type", "application/sdp"]], { request: second, body: ANSWER });
    const acks = transport.sentMessages().filter((m) => m.type === "request" && m.method === "ACK" && m.headers.get("CSeq") === "2 ACK");
    expect(acks).toHaveLength(2);
    expect(events).toHaveLength(2);

    call.hangup();
    const bye = last("BYE");
    expect(seqOf(bye)).toBe(3);
    expect(bye.uri).toBe("sip:gw@192.0.2.20:5070");
    expect(call.state).toBe("ended");
  });

  it("answers a challenged BYE with credentials", () => {
    const { call, last, answer } = setup();
    call.start();
    answer(200, [["Contact", "<sip:gw@192.0.2.20>"]], { body: ANSWER });
    call.hangup();
    answer(401, [["WWW-Authenticate", challenge("b1")]], { request: last("BYE") });
    const bye = last("BYE");
    expect(seqOf(bye)).toBe(3);
    expect(digestValid(bye, "Authorization", "s3cret")).toBe(true);
  });

  it("CANCEL waits for a provisional response, then the INVITE ends with 487", () => {
    const { call, events, requests, last, answer } = setup();
    call.start();
    const invite = last("INVITE");
    call.cancel();
    // §9.1: no CANCEL before a provisional response.
    expect(requests("CANCEL")).toHaveLength(0);
    answer(180, [], { request: invite });
    const cancel = last("CANCEL");
    expect(cancel.uri).toBe(invite.uri);
    expect(cancel.headers.get("Via")).toBe(invite.headers.get("Via"));
    expect(cancel.headers.get("CSeq")).toBe("1 CANCEL");
    expect(cancel.headers.get("From")).toBe(invite.headers.get("From"));
    expect(cancel.headers.get("Call-ID")).toBe(invite.headers.get("Call-ID"));

    answer(200, [], { request: cancel });
    answer(487, [], { request: invite });
    expect(events).toEqual(["failed 487 cancelled"]);
    expect(call.state).toBe("failed");
    expect(last("ACK").headers.get("CSeq")).toBe("1 ACK");
  });

  it("cancels the authenticated INVITE, not the challenged one", () => {
    const { call, last, answer } = setup();
    call.start();
    answer(407, [["Proxy-Authenticate", challenge("p1")]], { request: last("INVITE") });
    const second = last("INVITE");
    answer(183, [], { request: second });
    call.cancel();
    expect(last("CANCEL").headers.get("Via")).toBe(second.headers.get("Via"));
    expect(last("CANCEL").headers.get("CSeq")).toBe("2 CANCEL");
  });

  it("ACKs and BYEs a 200 that crossed the CANCEL", () => {
    const { call, events, last, answer } = setup();
    call.start();
    const invite = last("INVITE");
    answer(180, [], { request: invite });
    call.cancel();
    answer(200, [["Contact", "<sip:gw@192.0.2.20>"]], { request: invite, body: ANSWER });
    expect(last("ACK").headers.get("CSeq")).toBe("1 ACK");
    expect(seqOf(last("BYE"))).toBe(2);
    expect(events).toEqual(["provisional 180", "failed 487 cancelled"]);
  });

  it("gives up on the INVITE 64*T1 after a CANCEL that got no final answer", () => {
    const { call, events, answer, last, timers } = setup();
    call.start();
    answer(180, [], { request: last("INVITE") });
    call.cancel();
    timers.advance(32_000);
    expect(events).toEqual(["provisional 180", "failed 487 cancelled"]);
  });

  it("fails with the challenge when the credentials are rejected, and without credentials", () => {
    const rejected = setup();
    rejected.call.start();
    rejected.answer(407, [["Proxy-Authenticate", challenge("p1")]]);
    rejected.answer(407, [["Proxy-Authenticate", challenge("p1")]], { request: rejected.last("INVITE") });
    expect(rejected.requests("INVITE")).toHaveLength(2);
    expect(rejected.events).toEqual(["failed 407"]);

    const anonymous = setup({ credentials: false });
    anonymous.call.start();
    anonymous.answer(401, [["WWW-Authenticate", challenge("n1")]]);
    expect(anonymous.requests("INVITE")).toHaveLength(1);
    expect(anonymous.failure()).toEqual({ status: 401, reason: "Unauthorized", cancelled: false });
  });

  it("reports a timeout as 408 and an unreachable provider as 503", async () => {
    const silent = setup();
    silent.call.start();
    silent.timers.advance(32_000);
    expect(silent.events).toEqual(["failed 408"]);

    const unreachable = setup();
    unreachable.transport.fail = true;
    unreachable.call.start();
    await new Promise((resolve) => setImmediate(resolve));
    expect(unreachable.events).toEqual(["failed 503"]);
  });
});
