/**
 * List-valued headers (RFC 3261 §7.3.1): `a, b` on one line means two elements; commas inside a
 * quoted-string or `<...>` do not split. Inputs in the style of RFC 4475 (folded lines, escaped
 * quotes, unusual URI user parts, compact forms).
 */
import { describe, expect, it } from "vitest";
import { Headers, isListHeader, splitHeaderList } from "../../../server/sip/headers.js";
import { parseMessage } from "../../../server/sip/parser.js";
import type { SipRequest } from "../../../server/sip/message.js";
import { parseNameAddr } from "../../../server/sip/name-addr.js";

function request(extra: string): SipRequest {
  const text =
    "INVITE sip:1000@hotline.example SIP/2.0\r\n" +
    "Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds\r\n" +
    "Max-Forwards: 70\r\n" +
    "To: <sip:1000@hotline.example>\r\n" +
    "From: Anonymous <sip:anonymous@anonymous.invalid>;tag=1928301774\r\n" +
    "Call-ID: a84b4c76e66710@pc33.example.com\r\n" +
    "CSeq: 314159 INVITE\r\n" +
    extra +
    "Content-Length: 0\r\n\r\n";
  const parsed = parseMessage(text);
  if (!parsed.ok || parsed.message.type !== "request") throw new Error(`not parsed: ${parsed.ok ? "response" : parsed.reason}`);
  return parsed.message;
}

describe("splitHeaderList", () => {
  it("splits on commas outside quotes and angle brackets, trimming LWS", () => {
    expect(splitHeaderList(' "Name, Jr." <sip:+33123456789@carrier.example;user=phone> ,\t<tel:+33123456789>')).toEqual([
      '"Name, Jr." <sip:+33123456789@carrier.example;user=phone>',
      "<tel:+33123456789>",
    ]);
  });

  it("keeps escaped quotes inside a quoted-string (RFC 3261 §25.1 quoted-pair)", () => {
    expect(splitHeaderList('"Joe \\"the, man\\" Doe" <sip:joe@example.com>, <sip:j2@example.com>')).toEqual([
      '"Joe \\"the, man\\" Doe" <sip:joe@example.com>',
      "<sip:j2@example.com>",
    ]);
  });

  it("does not split on a comma inside <...>, nor open a quote there", () => {
    // RFC 4475 §3.1.1.2: a user part with ',', '?', ';' and '/' in it.
    const unusual = "<sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>";
    expect(splitHeaderList(`${unusual}, <sip:b@example.com;lr>`)).toEqual([unusual, "<sip:b@example.com;lr>"]);
    expect(splitHeaderList('<sip:a@b;x=">, c" , <sip:d@e>')).toEqual(['<sip:a@b;x=">', 'c" , <sip:d@e>']);
  });

  it("returns empty elements so a parser can reject `a,,b`", () => {
    expect(splitHeaderList("timer,,100rel")).toEqual(["timer", "", "100rel"]);
  });
});

describe("Headers.getList", () => {
  it("returns every element across lines, whether or not the line was split on parsing", () => {
    const headers = new Headers([
      ["Supported", "timer ,  replaces,100rel"],
      ["k", "path"],
    ]);
    expect(headers.getList("supported")).toEqual(["timer", "replaces", "100rel", "path"]);
    expect(headers.getList("Require")).toEqual([]);
  });

  it("parses P-Asserted-Identity with two values on one line as two identities (RFC 3325 §9.1)", () => {
    const req = request('P-Asserted-Identity: "Carrier, Name" <sip:+33123456789@carrier.example;user=phone>, <tel:+33123456789>\r\n');
    const identities = req.headers.getList("P-Asserted-Identity");
    expect(identities).toEqual(['"Carrier, Name" <sip:+33123456789@carrier.example;user=phone>', "<tel:+33123456789>"]);
    const first = parseNameAddr(req.headers.get("P-Asserted-Identity") ?? "");
    expect(first.ok && first.value.displayName).toBe("Carrier, Name");
    expect(identities.map((v) => parseNameAddr(v).ok)).toEqual([true, true]);
  });

  it("reads folded Via, Route and Record-Route lists in order (RFC 4475 wsinv style)", () => {
    const req = request(
      "Via: SIP/2.0/TCP proxy1.example.com;branch=z9hG4bK1 ,\r\n  SIP/2.0/UDP proxy2.example.com:5070;branch=z9hG4bK2\r\n" +
        "Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>\r\n" +
        "Record-Route: <sip:rr1.example.com;lr>, <sip:rr2.example.com;lr>\r\n" +
        "Record-Route: <sip:rr3.example.com;lr>\r\n",
    );
    expect(req.headers.getList("v")).toEqual([
      "SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds",
      "SIP/2.0/TCP proxy1.example.com;branch=z9hG4bK1",
      "SIP/2.0/UDP proxy2.example.com:5070;branch=z9hG4bK2",
    ]);
    expect(req.headers.getList("Route")).toEqual(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]);
    expect(req.headers.getList("Record-Route")).toEqual(["<sip:rr1.example.com;lr>", "<sip:rr2.example.com;lr>", "<sip:rr3.example.com;lr>"]);
  });

  it("reads Require, Proxy-Require, Allow, Accept and Warning lists", () => {
    const req = request(
      "Require: 100rel , replaces\r\nRequire: timer\r\nProxy-Require: foo\r\n" +
        "Allow: INVITE,ACK , BYE\r\n" +
        "Accept: application/sdp;level=1, application/isup;version=itu-t92+\r\n" +
        'Warning: 301 isi.edu "Incompatible, network", 399 carrier.example "x"\r\n',
    );
    expect(req.headers.getList("Require")).toEqual(["100rel", "replaces", "timer"]);
    expect(req.headers.getList("Proxy-Require")).toEqual(["foo"]);
    expect(req.headers.getList("Allow")).toEqual(["INVITE", "ACK", "BYE"]);
    expect(req.headers.getList("Accept")).toEqual(["application/sdp;level=1", "application/isup;version=itu-t92+"]);
    expect(req.headers.getList("Warning")).toEqual(['301 isi.edu "Incompatible, network"', '399 carrier.example "x"']);
  });

  it("knows the carrier identity and routing headers as lists", () => {
    for (const name of ["P-Asserted-Identity", "P-Preferred-Identity", "Diversion", "History-Info", "Reason", "Supported", "Require", "Accept"]) {
      expect(isListHeader(name), name).toBe(true);
    }
    for (const name of ["From", "To", "Call-ID", "Authorization", "Date", "Privacy"]) expect(isListHeader(name), name).toBe(false);
  });

  it("rejects an empty element in a P-Asserted-Identity list with 400 like any list header", () => {
    const parsed = parseMessage(
      "INVITE sip:1000@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nMax-Forwards: 70\r\nTo: <sip:1000@h>\r\nFrom: <sip:a@h>;tag=1\r\n" +
        "Call-ID: x\r\nCSeq: 1 INVITE\r\nP-Asserted-Identity: <sip:a@h>,,<tel:+1>\r\nContent-Length: 0\r\n\r\n",
    );
    expect(!parsed.ok && parsed.kind === "bad-request" && parsed.status).toBe(400);
  });
});
