/**
 * RFC 4475 torture messages. The fixtures are reconstructions of the RFC's messages in its own
 * notation (see tests/fixtures/sip/load-fixture.ts); Content-Length values were adjusted where
 * needed so that "valid" messages really are consistent.
 */
import { describe, expect, it } from "vitest";
import { loadFixture } from "../../fixtures/sip/load-fixture.js";
import { parseMessage, type ParseResult } from "../../../server/sip/parser.js";
import { parseNameAddr } from "../../../server/sip/name-addr.js";
import { parseUri, type SipUri } from "../../../server/sip/uri.js";
import { percentDecode } from "../../../server/sip/lexical.js";
import { getCSeq, getTopVia, isMaxForwardsExhausted, type SipRequest } from "../../../server/sip/message.js";

function parse(name: string): ParseResult {
  return parseMessage(loadFixture(name));
}

function request(name: string): SipRequest {
  const result = parse(name);
  if (!result.ok) throw new Error(`${name}: ${result.reason}`);
  if (result.message.type !== "request") throw new Error(`${name}: not a request`);
  return result.message;
}

function sipUri(text: string): SipUri {
  const uri = parseUri(text);
  if (!uri.ok || (uri.value.scheme !== "sip" && uri.value.scheme !== "sips")) throw new Error(`not a SIP URI: ${text}`);
  return uri.value as SipUri;
}

function expectBadRequest(name: string, status: 400 | 416 | 505, reasonPattern?: RegExp): void {
  const result = parse(name);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.kind).toBe("bad-request");
  if (result.kind !== "bad-request") return;
  expect(result.status).toBe(status);
  if (reasonPattern) expect(result.reason).toMatch(reasonPattern);
  // The headers that could be read come back so a 400 can still be routed (RFC 3261 §8.2.6).
  expect(result.headers.getAll("Via").length).toBeGreaterThan(0);
}

describe("RFC 4475 §3.1.1 valid messages", () => {
  it("wsinv: short tortuous INVITE (folding, compact names, odd spacing)", () => {
    const req = request("wsinv");
    expect(req.method).toBe("INVITE");
    expect(req.headers.getAll("Via")).toHaveLength(3);
    expect(getTopVia(req)?.params.get("branch")).toBe("390skdjuw");
    expect(getCSeq(req)).toEqual({ seq: 9, method: "INVITE" });
    expect(req.headers.get("Subject")).toBe("");
    expect(req.headers.get("NewFangledHeader")).toBe("newfangled value continued newfangled value");
    expect(req.headers.get("UnknownHeaderWithUnusualValue")).toBe(";;,,;;,;");
    const from = parseNameAddr(req.headers.get("From") ?? "");
    expect(from.ok && from.value.displayName).toBe('J Rosenberg \\"');
    expect(from.ok && from.value.params.get("tag")).toBe("98asjd8");
    const to = parseNameAddr(req.headers.get("To") ?? "");
    expect(to.ok && to.value.params.get("tag")).toBe("1918181833n");
    const contact = parseNameAddr(req.headers.get("Contact") ?? "");
    expect(contact.ok && contact.value.displayName).toBe('Quoted string ""');
    expect(contact.ok && contact.value.params.get("q")).toBe("0.33");
    expect(req.body.length).toBe(150);
  });

  it("intmeth: wide range of valid characters", () => {
    const req = request("intmeth");
    expect(req.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    const uri = sipUri(req.uri);
    expect(uri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(uri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(req.headers.get("Call-ID")).toBe("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
    expect(req.headers.get("extensionHeader-!.%*+_`'~")).toBe("\uFEFF大停電");
    const to = parseNameAddr(req.headers.get("To") ?? "");
    expect(to.ok && to.value.displayName).toBe("BEL:\x07 NUL:\x00 DEL:\x7F");
  });

  it("esc01: escaped characters in URIs", () => {
    const req = request("esc01");
    expect(percentDecode(sipUri(req.uri).user ?? "")).toBe("sips:user@example.com");
    const to = parseNameAddr(req.headers.get("To") ?? "");
    expect(to.ok && to.value.uri.scheme === "sip" && percentDecode((to.value.uri as SipUri).user ?? "")).toBe("user");
    const contact = parseNameAddr(req.headers.get("Contact") ?? "");
    expect(contact.ok).toBe(true);
    if (contact.ok) expect([...(contact.value.uri as SipUri).params.keys()]).toEqual(["lr", "name"]);
    expect(req.headers.get("Content-Type")).toBe("application/sdp");
  });

  it("escnull: escaped NULs in URIs", () => {
    const req = request("escnull");
    const contacts = req.headers.getAll("Contact").map((c) => parseNameAddr(c));
    expect(contacts.map((c) => c.ok && percentDecode((c.value.uri as SipUri).user ?? ""))).toEqual(["\0", "\0\0"]);
  });

  it("esc02: escaped method and header name are different tokens, not REGISTER/Contact", () => {
    const req = request("esc02");
    expect(req.method).toBe("RE%47IST%45R");
    expect(req.headers.getAll("Contact")).toHaveLength(2);
    expect(req.headers.get("C%6Fntact")).toBe("<sip:alias2@host2.example.com>");
  });

  it("lwsdisp: no LWS between display name and <", () => {
    const req = request("lwsdisp");
    const from = parseNameAddr(req.headers.get("From") ?? "");
    expect(from.ok && from.value.displayName).toBe("caller");
  });

  it("longreq: very long values and 35 Vias, accepted when the RFC 2543 top Via is allowed", () => {
    // Strict choice: the topmost Via of longreq has no branch (RFC 2543 style). We do not
    // implement the §17.2.3 RFC 2543 matching fallback, so by default this is a 400.
    expectBadRequest("longreq", 400, /branch/);
    const result = parseMessage(loadFixture("longreq"), { requireViaBranch: false });
    expect(result.ok).toBe(true);
    if (!result.ok || result.message.type !== "request") return;
    expect(result.message.headers.getAll("Via")).toHaveLength(34);
    expect(result.message.body.length).toBe(150);
  });

  it("dblreq: the bytes after Content-Length are discarded (RFC 3261 §18.3)", () => {
    const req = request("dblreq");
    expect(req.method).toBe("REGISTER");
    expect(req.body.length).toBe(0);
  });

  it("semiuri: semicolon-separated parameters in the URI user part", () => {
    const req = request("semiuri");
    const uri = sipUri(req.uri);
    expect(uri.user).toBe("user;par=u%40example.net");
    expect(uri.host).toBe("example.com");
    expect(uri.params.size).toBe(0);
    expect(req.headers.getAll("Accept")).toHaveLength(6);
  });

  it("transports: varied and unknown transports in Via", () => {
    const req = request("transports");
    expect(req.headers.getAll("Via")).toHaveLength(5);
  });

  it("mpart01: multipart body with binary content is kept byte-exact", () => {
    const req = request("mpart01");
    expect(req.body.length).toBe(268);
    expect(req.body.includes(Buffer.from([0x00, 0xff, 0xfe]))).toBe(true);
  });

  it("unreason: UTF-8 reason phrase", () => {
    const result = parse("unreason");
    expect(result.ok && result.message.type === "response" && result.message.reason).toBe("= 2**3 * 5**2 но сто девяносто девять - простое");
  });

  it("noreason: empty reason phrase", () => {
    const result = parse("noreason");
    expect(result.ok && result.message.type === "response" && result.message.status).toBe(100);
  });

  it("zeromf: Max-Forwards 0 parses; the caller decides about 483", () => {
    expect(isMaxForwardsExhausted(request("zeromf"))).toBe(true);
  });

  it("unksm2: unknown schemes are fine outside the Request-URI", () => {
    expect(request("unksm2").method).toBe("REGISTER");
  });

  it("badbranch: a branch equal to the bare magic cookie is well formed", () => {
    expect(getTopVia(request("badbranch"))?.params.get("branch")).toBe("z9hG4bK");
  });
});

describe("RFC 4475 §3.1.2 / §3.3 invalid messages", () => {
  it.each([
    ["badinv01", /empty element|parameter/],
    ["clerr", /Content-Length larger/],
    ["ncl", /Content-Length/],
    ["scalar02", /CSeq|Max-Forwards/],
    ["quotbal", /quoted/],
    ["ltgtruri", /Request-URI/],
    ["lwsruri", /Request-Line/],
    ["lwsstart", /Request-Line/],
    ["trws", /Request-Line/],
    ["escruri", /Headers not allowed/],
    // Strict choice: a Date that is not GMT (RFC 3261 §20.17) is rejected, not ignored.
    ["baddate", /Date/],
    ["regbadct", /Contact/],
    ["badaspec", /To/],
    // Strict choice: unquoted display names must be tokens; no leniency for commas.
    ["baddn", /From|To/],
    ["mismatch01", /CSeq method/],
    ["mismatch02", /CSeq method/],
    ["insuf", /Missing/],
    ["multi01", /Multiple/],
    ["mcl01", /Multiple Content-Length/],
  ] as const)("%s is answered with 400", (name, reason) => {
    expectBadRequest(name, 400, reason);
  });

  it("badaspec: strict choice, spaces inside <> are rejected although RFC 4475 allows leniency", () => {
    expectBadRequest("badaspec", 400, /whitespace/);
  });

  it("badvers: SIP/7.0 gets 505", () => {
    expectBadRequest("badvers", 505);
  });

  it("unkscm and novelsc: unsupported Request-URI schemes get 416", () => {
    expectBadRequest("unkscm", 416);
    expectBadRequest("novelsc", 416);
  });

  it("inv2543: strict choice, RFC 2543 requests (no branch, no From tag, no Max-Forwards) are rejected", () => {
    // RFC 4475 §3.4.1 expects acceptance; this stack only serves RFC 3261 peers.
    expectBadRequest("inv2543", 400);
  });

  it.each(["scalarlg", "bigcode"])("%s: a malformed response is dropped, never answered", (name) => {
    const result = parse(name);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.kind).toBe("drop");
  });
});
