import { describe, expect, it } from "vitest";
import { formatUri, parseUri, type SipUri } from "../../../server/sip/uri.js";
import { formatNameAddr, getTag, parseNameAddr, withTag } from "../../../server/sip/name-addr.js";
import { formatVia, parseVia, viaSentBy } from "../../../server/sip/via.js";
import { parseParams } from "../../../server/sip/params.js";

describe("URIs (RFC 3261 §19.1)", () => {
  it("parses a full SIP URI and formats it back unchanged", () => {
    const text = "sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?subject=hi&priority=urgent";
    const uri = parseUri(text);
    expect(uri.ok).toBe(true);
    if (!uri.ok) return;
    const sip = uri.value as SipUri;
    expect(sip).toMatchObject({ scheme: "sips", user: "alice", password: "secret", host: "[2001:db8::1]", port: 5061 });
    expect(sip.params.get("transport")).toBe("tcp");
    expect(sip.params.get("lr")).toBeNull();
    expect(sip.headers.get("priority")).toBe("urgent");
    expect(formatUri(sip)).toBe(text);
  });

  it.each(["sip:", "sip:@host", "sip:user@", "sip:user@host:99999", "sip:user@ho st", "sip:a@b;x=1;x=2", "1sip:a@b", "sip:a@-bad-.com"])("rejects %s", (text) => {
    expect(parseUri(text).ok).toBe(false);
  });

  it("parses tel and opaque URIs", () => {
    expect(parseUri("tel:+1-201-555-0123").ok).toBe(true);
    const other = parseUri("urn:service:sos");
    expect(other.ok && other.value.scheme).toBe("urn");
  });
});

describe("name-addr", () => {
  it("parses display name, URI and parameters", () => {
    const parsed = parseNameAddr('"Bob \\"B\\"" <sip:bob@example.com;transport=udp>;tag=abc;expires=60');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.displayName).toBe('Bob "B"');
    expect(parsed.value.params.get("tag")).toBe("abc");
    expect(formatNameAddr(parsed.value)).toBe('"Bob \\"B\\"" <sip:bob@example.com;transport=udp>;tag=abc;expires=60');
  });

  it("in addr-spec form a semicolon starts header parameters (RFC 3261 §20.10)", () => {
    const parsed = parseNameAddr("sip:bob@example.com;tag=1");
    expect(parsed.ok && (parsed.value.uri as SipUri).params.size).toBe(0);
    expect(parsed.ok && parsed.value.params.get("tag")).toBe("1");
  });

  it("adds and reads tags", () => {
    expect(getTag(withTag("<sip:bob@example.com>", "t9"))).toBe("t9");
    expect(getTag("sip:bob@example.com")).toBeUndefined();
  });

  it("rejects empty and duplicate parameters", () => {
    expect(parseParams(";;a", 0).ok).toBe(false);
    expect(parseParams(";a=1;A=2", 0).ok).toBe(false);
    expect(parseParams(";a=", 0).ok).toBe(false);
  });
});

describe("Via (RFC 3261 §20.42)", () => {
  it("parses and formats", () => {
    const via = parseVia("SIP / 2.0 / tcp client.example.com:5070 ;branch=z9hG4bK1;rport;received=192.0.2.1");
    expect(via.ok).toBe(true);
    if (!via.ok) return;
    expect(via.value.transport).toBe("TCP");
    expect(viaSentBy(via.value)).toBe("client.example.com:5070");
    expect(formatVia(via.value)).toBe("SIP/2.0/TCP client.example.com:5070;branch=z9hG4bK1;rport;received=192.0.2.1");
  });

  it("defaults the sent-by port per transport", () => {
    const via = parseVia("SIP/2.0/TLS h.example.com;branch=z9hG4bK1");
    expect(via.ok && viaSentBy(via.value)).toBe("h.example.com:5061");
  });

  it.each(["SIP/2.0 host", "SIP/2.0/UDP", "SIP/2.0/UDP host;branch", "SIP/2.0/UDP host;rport=abc", "SIP/2.0/UDP host;ttl=300"])("rejects %s", (v) => {
    expect(parseVia(v).ok).toBe(false);
  });
});
