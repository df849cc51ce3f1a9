import { describe, expect, it } from "vitest";
import { parseMessage } from "../../../server/sip/parser.js";
import { serializeMessage } from "../../../server/sip/serializer.js";
import { createErrorResponse, createResponse } from "../../../server/sip/response.js";
import { generateBranch, generateCallId, generateTag } from "../../../server/sip/ids.js";
import { getTag } from "../../../server/sip/name-addr.js";
import { createRequest } from "../../../server/sip/message.js";
import { loadFixture } from "../../fixtures/sip/load-fixture.js";
import { parseRequest, requestText } from "./sip-test-helpers.js";

describe("serializer", () => {
  it.each(["wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp", "semiuri", "transports", "mpart01", "unreason", "noreason", "unksm2"])(
    "round-trips %s: parse(serialize(parse(x))) equals parse(x)",
    (name) => {
      const first = parseMessage(loadFixture(name));
      expect(first.ok).toBe(true);
      if (!first.ok) return;
      const bytes = serializeMessage(first.message);
      const second = parseMessage(bytes);
      expect(second.ok).toBe(true);
      if (!second.ok) return;
      expect([...second.message.headers]).toEqual([...first.message.headers]);
      expect(second.message.body.equals(first.message.body)).toBe(true);
      expect(serializeMessage(second.message).equals(bytes)).toBe(true);
    },
  );

  it("always writes Content-Length from the body and strips CR/LF from header values", () => {
    const req = createRequest({ method: "MESSAGE", uri: "sip:a@b", headers: [["Content-Length", "99"], ["Subject", "a\r\nInjected: yes"]], body: "hi" });
    const text = serializeMessage(req).toString();
    expect(text).toContain("Content-Length: 2\r\n");
    expect(text).not.toContain("99");
    expect(text.endsWith("\r\n\r\nhi")).toBe(true);
    expect(text).not.toContain("\r\nInjected");
  });
});

describe("createResponse (RFC 3261 §8.2.6)", () => {
  const req = parseRequest(
    requestText("INVITE", { extra: "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp\r\nTimestamp: 54\r\nContact: <sip:a@h>\r\n" }),
  );

  it("copies Via in order, From, Call-ID, CSeq and adds a To-tag", () => {
    const res = createResponse(req, 180, { toTag: "xyz" });
    expect(res.headers.getAll("Via")).toEqual(req.headers.getAll("Via"));
    expect(res.headers.get("From")).toBe(req.headers.get("From"));
    expect(res.headers.get("Call-ID")).toBe(req.headers.get("Call-ID"));
    expect(res.headers.get("CSeq")).toBe("1 INVITE");
    expect(getTag(res.headers.get("To"))).toBe("xyz");
    expect(res.headers.has("Contact")).toBe(false);
    expect(res.reason).toBe("Ringing");
  });

  it("100 Trying has no To-tag but echoes Timestamp", () => {
    const res = createResponse(req, 100);
    expect(getTag(res.headers.get("To"))).toBeUndefined();
    expect(res.headers.get("Timestamp")).toBe("54");
  });

  it("keeps an existing To-tag", () => {
    const inDialog = parseRequest(requestText("BYE").replace("<sip:bob@example.com>\r\n", "<sip:bob@example.com>;tag=keep\r\n"));
    expect(getTag(createResponse(inDialog, 200).headers.get("To"))).toBe("keep");
  });

  it("copies every Record-Route value in order into responses that establish a dialog, and only those (§12.1.1)", () => {
    const routes = "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\nRecord-Route: <sip:p3.example.com;lr>\r\n";
    const invite = parseRequest(requestText("INVITE", { extra: routes }));
    const expected = invite.headers.getAll("Record-Route");
    expect(expected.join(",")).toContain("p3.example.com");
    for (const status of [180, 183, 200]) expect(createResponse(invite, status).headers.getAll("Record-Route")).toEqual(expected);
    for (const status of [100, 486, 603]) expect(createResponse(invite, status).headers.has("Record-Route")).toBe(false);
    const reInvite = parseRequest(requestText("INVITE", { extra: routes }).replace("<sip:bob@example.com>\r\n", "<sip:bob@example.com>;tag=keep\r\n"));
    expect(createResponse(reInvite, 200).headers.has("Record-Route")).toBe(false);
    const options = parseRequest(requestText("OPTIONS", { extra: routes }));
    expect(createResponse(options, 200).headers.has("Record-Route")).toBe(false);
  });

  it("builds a 400 with the parser's reason", () => {
    const failure = parseMessage(requestText("OPTIONS", { cseqMethod: "INVITE" }));
    if (failure.ok || failure.kind !== "bad-request") throw new Error("expected bad-request");
    const res = createErrorResponse(failure);
    expect(res.status).toBe(400);
    expect(res.reason).toBe("Bad Request - CSeq method does not match Request-Line");
    expect(parseMessage(serializeMessage(res)).ok).toBe(true);
  });
});

describe("ids", () => {
  it("branches carry the magic cookie and are unique", () => {
    const branches = new Set(Array.from({ length: 1000 }, generateBranch));
    expect(branches.size).toBe(1000);
    for (const b of branches) expect(b).toMatch(/^z9hG4bK[0-9a-f]{16}$/);
    expect(generateTag()).toMatch(/^[0-9a-f]{12}$/);
    expect(generateCallId("h.example.com")).toMatch(/^[0-9a-f]{24}@h\.example\.com$/);
  });
});
