import { describe, expect, it } from "vitest";
import { createRequest } from "../../../server/sip";
import { SdpOrigin, sdpDirection } from "../../../server/media/sdp";
import {
  multipartParts,
  negotiateSessionTimer,
  sessionDescription,
  sessionTimerRequest,
  unsupportedRequirements,
} from "../../../server/telephony/uas-inspection";

function request(method: string, headers: Array<[string, string]>, body = "") {
  return createRequest({
    method,
    uri: "sip:1000@127.0.0.1",
    headers: [["Via", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-1"], ["Call-ID", "c"], ["CSeq", `1 ${method}`], ...headers],
    body,
  });
}

const sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

describe("Require (RFC 3261 §8.2.2.3)", () => {
  it("lists the option tags we do not implement; timer is implemented; ACK and CANCEL are never refused", () => {
    expect(unsupportedRequirements(request("INVITE", [["Require", "100rel, timer"], ["Require", "replaces"]]))).toEqual(["100rel", "replaces"]);
    expect(unsupportedRequirements(request("INVITE", [["Supported", "100rel"], ["Proxy-Require", "foo"]]))).toEqual([]);
    expect(unsupportedRequirements(request("ACK", [["Require", "100rel"]]))).toEqual([]);
    expect(unsupportedRequirements(request("CANCEL", [["Require", "100rel"]]))).toEqual([]);
  });
});

describe("bodies (RFC 3261 §8.2.3, RFC 5621)", () => {
  const multipart = (second: string) =>
    `--b1\r\nContent-Type: application/sdp\r\n\r\n${sdp}\r\n--b1\r\n${second}\r\n\r\nISUP\r\n--b1--\r\n`;

  it("takes application/sdp, or its part of a multipart/mixed body; no body is a late offer", () => {
    expect(sessionDescription(request("INVITE", [["Content-Type", "application/sdp"]], sdp))).toEqual({ ok: true, sdp });
    expect(sessionDescription(request("INVITE", []))).toEqual({ ok: true, sdp: undefined });
    const optional = request("INVITE", [["Content-Type", 'multipart/mixed; boundary="b1"']], multipart("Content-Type: application/isup\r\nContent-Disposition: signal;handling=optional"));
    expect(sessionDescription(optional)).toEqual({ ok: true, sdp });
  });

  it("refuses with 415 and Accept: unknown types, required unknown parts (the default), encodings", () => {
    const cases = [
      request("INVITE", [["Content-Type", "multipart/mixed;boundary=b1"]], multipart("Content-Type: application/isup\r\nContent-Disposition: signal;handling=required")),
      request("INVITE", [["Content-Type", "multipart/mixed;boundary=b1"]], multipart("Content-Type: application/isup")),
      request("INVITE", [["Content-Type", "text/plain"]], "hi"),
      request("INVITE", [["Content-Type", "application/sdp"], ["Content-Encoding", "gzip"]], sdp),
    ];
    for (const r of cases) {
      const verdict = sessionDescription(r);
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) {
        expect(verdict.status).toBe(415);
        expect(verdict.headers).toContainEqual(["Accept", "application/sdp, multipart/mixed"]);
      }
    }
  });

  it("refuses IPv6 with 488 and Warning 301 unless IPv6 media is configured (RFC 3261 §20.43)", () => {
    const v6 = request("INVITE", [["Content-Type", "application/sdp"]], sdp.replace(/IN IP4 10\.0\.0\.1/g, "IN IP6 2001:db8::1"));
    const verdict = sessionDescription(v6, { warnAgent: "hotline.example" });
    expect(verdict).toMatchObject({ ok: false, status: 488 });
    if (!verdict.ok) expect(verdict.headers[0]).toEqual(["Warning", expect.stringMatching(/^301 hotline\.example "/)]);
    expect(sessionDescription(v6, { allowIp6: true }).ok).toBe(true);
  });

  it("splits a multipart body into its parts", () => {
    const parts = multipartParts("preamble\r\n--x\r\nContent-Type: a/b\r\n\r\none\r\n--x\r\n\r\ntwo\r\n--x--\r\nepilogue", "x");
    expect(parts.map((p) => [p.headers.get("content-type"), p.body])).toEqual([["a/b", "one"], [undefined, "two"]]);
  });
});

describe("session timers (RFC 4028 §9)", () => {
  const timer = (headers: Array<[string, string]>) => sessionTimerRequest(request("INVITE", headers));

  it("refuses an interval below 90 s from a caller that supports timers, keeps its refresher, defaults to uac", () => {
    expect(negotiateSessionTimer(timer([["Supported", "timer"], ["Session-Expires", "60"]]), undefined)).toBe("too-small");
    expect(negotiateSessionTimer(timer([["Supported", "timer"], ["Session-Expires", "600;refresher=uas"]]), undefined)).toEqual({ expiresS: 600, refresher: "uas", uacSupports: true });
    expect(negotiateSessionTimer(timer([["Supported", "timer"]]), undefined)).toEqual({ expiresS: 1800, refresher: "uac", uacSupports: true });
    expect(negotiateSessionTimer(timer([["Supported", "timer"], ["x", "300"], ["Min-SE", "400"]]), undefined)).toEqual({ expiresS: 400, refresher: "uac", uacSupports: true });
  });

  it("a caller without timer support: Hotline refreshes when a proxy asked for a timer, otherwise no timer", () => {
    expect(negotiateSessionTimer(timer([["Session-Expires", "30"]]), undefined)).toEqual({ expiresS: 90, refresher: "uas", uacSupports: false });
    expect(negotiateSessionTimer(timer([]), undefined)).toBeUndefined();
  });
});

describe("o= version (RFC 3264 §8)", () => {
  it("keeps username, session id and address, and goes up by one only when the SDP changed", () => {
    const origin = new SdpOrigin();
    const a = "v=0\r\no=rtpengine 555 7 IN IP4 10.0.0.9\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n";
    expect(origin.stamp(a)).toContain("o=rtpengine 555 7 IN IP4 10.0.0.9");
    // rtpengine's own version changes do not matter; the body does.
    expect(origin.stamp(a.replace(" 7 ", " 9 "))).toContain("o=rtpengine 555 7 ");
    expect(origin.stamp(a.replace("sendrecv", "recvonly"))).toContain("o=rtpengine 555 8 ");
    expect(origin.stamp(a.replace("sendrecv", "recvonly"))).toContain("o=rtpengine 555 8 ");
    expect(origin.stamp(a)).toContain("o=rtpengine 555 9 ");
    expect(origin.version).toBe(9);
  });
});

describe("SDP direction (RFC 3264 §6.1, §8.4)", () => {
  it("reads c=0.0.0.0 as hold in plain SDP but not in an ICE description", () => {
    const plain = "v=0\r\nc=IN IP4 0.0.0.0\r\nm=audio 4000 RTP/AVP 0\r\n";
    expect(sdpDirection(plain)).toBe("inactive");
    expect(sdpDirection(`${plain}a=ice-ufrag:abcd\r\na=sendrecv\r\n`)).toBe("sendrecv");
  });
});
