import { describe, expect, it } from "vitest";
import { parseMessage } from "../../../server/sip/parser.js";
import { parseRequest, requestText } from "./sip-test-helpers.js";
import { canonicalHeaderName, Headers, splitHeaderList } from "../../../server/sip/headers.js";
import { getCSeq, getMaxForwards, getTopVia } from "../../../server/sip/message.js";

describe("headers", () => {
  it.each([
    ["i", "Call-ID"], ["m", "Contact"], ["e", "Content-Encoding"], ["l", "Content-Length"], ["f", "From"],
    ["t", "To"], ["v", "Via"], ["k", "Supported"], ["c", "Content-Type"], ["s", "Subject"], ["CSEQ", "CSeq"], ["X-Odd", "X-Odd"],
  ])("normalises %s to %s (RFC 3261 §7.3.3)", (input, expected) => {
    expect(canonicalHeaderName(input)).toBe(expected);
  });

  it("keeps order and looks up case-insensitively", () => {
    const h = new Headers([["v", "a"], ["To", "x"], ["VIA", "b"]]);
    expect(h.getAll("via")).toEqual(["a", "b"]);
    h.prepend("Via", "top").removeFirst("Via");
    expect(h.getAll("Via")).toEqual(["a", "b"]);
    h.setFirst("Via", "z");
    expect([...h].map((e) => e.value)).toEqual(["z", "x", "b"]);
  });

  it("splits lists outside quotes and brackets", () => {
    expect(splitHeaderList('"a,b" <sip:x@y;p=1,2>, <sip:z@w>')).toEqual(['"a,b" <sip:x@y;p=1,2>', "<sip:z@w>"]);
  });
});

describe("parseMessage", () => {
  it("parses a plain request with compact headers and folding", () => {
    const text =
      "INVITE sip:bob@example.com SIP/2.0\r\nv: SIP/2.0/UDP h1.example.com;branch=z9hG4bK1,\r\n SIP/2.0/UDP h2.example.com;branch=z9hG4bK2\r\n" +
      "f: <sip:a@example.com>;tag=1\r\nt: <sip:bob@example.com>\r\ni: abc\r\nCSeq: 5\r\n  INVITE\r\nMax-Forwards: 70\r\nl: 4\r\n\r\nbody";
    const req = parseRequest(text);
    expect(req.headers.getAll("Via")).toHaveLength(2);
    expect(getTopVia(req)?.host).toBe("h1.example.com");
    expect(getCSeq(req)).toEqual({ seq: 5, method: "INVITE" });
    expect(getMaxForwards(req)).toBe(70);
    expect(req.body.toString()).toBe("body");
  });

  it("UDP: body is the rest of the datagram when Content-Length is absent", () => {
    const text = requestText("MESSAGE").replace("Content-Length: 0\r\n", "") + "hello";
    expect(parseRequest(text).body.toString()).toBe("hello");
  });

  it("stream framing requires Content-Length", () => {
    const text = requestText("OPTIONS").replace("Content-Length: 0\r\n", "");
    const result = parseMessage(text, { framing: "stream" });
    expect(result.ok === false && result.reason).toMatch(/Content-Length/);
  });

  it("Content-Length smaller than the datagram truncates; larger is 400", () => {
    const longer = requestText("MESSAGE").replace("Content-Length: 0", "Content-Length: 2") + "hello";
    expect(parseRequest(longer).body.toString()).toBe("he");
    const shorter = requestText("MESSAGE").replace("Content-Length: 0", "Content-Length: 9") + "hello";
    const result = parseMessage(shorter);
    expect(result.ok === false && result.kind === "bad-request" && result.status).toBe(400);
  });

  it("ignores CRLFs before the start line (RFC 3261 §7.5)", () => {
    expect(parseMessage(`\r\n\r\n${requestText("OPTIONS")}`).ok).toBe(true);
  });

  it.each([
    ["missing Max-Forwards", requestText("OPTIONS").replace("Max-Forwards: 70\r\n", ""), 400],
    ["Max-Forwards above 255", requestText("OPTIONS").replace("Max-Forwards: 70", "Max-Forwards: 256"), 400],
    ["Via without branch", requestText("OPTIONS", { via: "SIP/2.0/UDP h.example.com" }), 400],
    ["From without tag", requestText("OPTIONS").replace(";tag=a1", ""), 400],
    ["SIP/3.0 request", requestText("OPTIONS").replace("SIP/2.0\r\n", "SIP/3.0\r\n"), 505],
    ["tel Request-URI with headers is fine but mailto is not", requestText("OPTIONS").replace("sip:bob@example.com SIP", "mailto:bob@example.com SIP"), 416],
    ["header line without colon", requestText("OPTIONS").replace("Max-Forwards: 70", "Max-Forwards 70"), 400],
    ["bad host", requestText("OPTIONS").replace("sip:bob@example.com SIP", "sip:bob@exa_mple.com SIP"), 400],
    ["CSeq not a number", requestText("OPTIONS", { cseq: -1 }), 400],
    ["missing empty line", requestText("OPTIONS").replace(/\r\n\r\n$/, "\r\n"), 400],
  ])("rejects %s", (_, text, status) => {
    const result = parseMessage(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.kind).toBe("bad-request");
      if (result.kind === "bad-request") expect(result.status).toBe(status);
    }
  });

  it("accepts tel Request-URIs", () => {
    expect(parseMessage(requestText("OPTIONS").replace("sip:bob@example.com SIP", "tel:+1-201-555-0123;phone-context=example.com SIP")).ok).toBe(true);
  });

  it("drops garbage and responses it cannot read", () => {
    for (const input of ["", "\r\n\r\n", "hello world", "SIP/2.0 200\r\n\r\n", "SIP/1.0 200 OK\r\nVia: x\r\n\r\n", "OPTIONS sip:x SIP/2.0\r\nTo: a\r\n\r\n"]) {
      const result = parseMessage(input);
      expect(result.ok === false && result.kind).toBe("drop");
    }
  });

  it("drops messages over the size limit", () => {
    const result = parseMessage(requestText("OPTIONS") + "x".repeat(70_000));
    expect(result.ok === false && result.kind).toBe("drop");
  });

  it("parses a response with a multi-word reason", () => {
    const result = parseMessage(
      "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nTo: <sip:b@h>;tag=2\r\nFrom: <sip:a@h>;tag=1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
    );
    expect(result.ok && result.message.type === "response" && result.message.reason).toBe("Busy Here");
  });
});
