import { describe, expect, it } from "vitest";
import { MediaTimeoutListener, parseXmlRpcCall } from "../../../server/media/timeout-listener.js";

/** What rtpengine 10.5's xmlrpc-c client posts for `--xmlrpc-format=1` (captured from the real daemon: POST, text/xml, Xmlrpc-c/1.33.14 over curl). */
const TEARDOWN = `<?xml version="1.0" encoding="UTF-8"?>\r\n<methodCall>\r\n<methodName>teardown</methodName>\r\n<params>\r\n<param><value><string>a&amp;b&lt;c</string></value></param>\r\n</params>\r\n</methodCall>\r\n`;

describe("parseXmlRpcCall", () => {
  it("reads the method and string parameters, typed or untyped (a bare value is a string)", () => {
    expect(parseXmlRpcCall(TEARDOWN)).toEqual({ method: "teardown", params: ["a&b<c"] });
    expect(parseXmlRpcCall("<methodCall><methodName>teardown</methodName><params><param><value>abc</value></param></params></methodCall>")).toEqual({ method: "teardown", params: ["abc"] });
    expect(parseXmlRpcCall("not xml")).toBeUndefined();
  });
});

describe("MediaTimeoutListener", () => {
  it("reports a teardown posted to its secret URL and answers with a methodResponse; refuses other paths", async () => {
    const seen: string[] = [];
    const listener = await MediaTimeoutListener.listen({ host: "127.0.0.1", onTimeout: (id) => seen.push(id) });
    try {
      const response = await fetch(listener.url, { method: "POST", headers: { "Content-Type": "text/xml" }, body: TEARDOWN });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("<methodResponse>");
      expect(seen).toEqual(["a&b<c"]);
      const guess = await fetch(new URL("/", listener.url), { method: "POST", body: TEARDOWN });
      expect(guess.status).toBe(404);
      const huge = await fetch(listener.url, { method: "POST", body: "x".repeat(20_000) }).catch(() => undefined);
      expect(huge === undefined || huge.status === 413).toBe(true);
      expect(seen).toHaveLength(1);
    } finally {
      await listener.close();
    }
  });
});
