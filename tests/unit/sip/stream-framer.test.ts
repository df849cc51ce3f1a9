import { describe, expect, it } from "vitest";
import { StreamFramer } from "../../../server/sip/stream-framer.js";
import { requestText } from "./sip-test-helpers.js";

const withBody = requestText("MESSAGE").replace("Content-Length: 0", "Content-Length: 5") + "hello";

describe("StreamFramer (RFC 3261 §18.3)", () => {
  it("splits back-to-back messages and reassembles byte-by-byte input", () => {
    const framer = new StreamFramer();
    const stream = Buffer.from(withBody + requestText("OPTIONS"));
    const events = [...stream].flatMap((b) => framer.push(Buffer.from([b])));
    expect(events.map((e) => e.type)).toEqual(["message", "message"]);
    expect(events[0]?.type === "message" && events[0].data.toString()).toBe(withBody);
  });

  it("reports CRLF keep-alive pings (RFC 5626 §4.4.1) and skips stray CRLFs", () => {
    const framer = new StreamFramer();
    expect(framer.push(Buffer.from("\r\n\r\n")).map((e) => e.type)).toEqual(["ping"]);
    expect(framer.push(Buffer.from(`\r\n${requestText("OPTIONS")}`)).map((e) => e.type)).toEqual(["message"]);
  });

  it("fails without Content-Length, with two, or beyond the size limit, and then stays silent", () => {
    expect(new StreamFramer().push(Buffer.from(requestText("OPTIONS").replace("Content-Length: 0\r\n", "")))[0]).toMatchObject({ type: "error" });
    expect(new StreamFramer().push(Buffer.from(requestText("OPTIONS").replace("Content-Length: 0\r\n", "l: 0\r\nContent-Length: 0\r\n")))[0]).toMatchObject({ type: "error" });
    const small = new StreamFramer(100);
    const tooLarge = small.push(Buffer.from(withBody))[0];
    expect(tooLarge).toMatchObject({ type: "error", reason: "message too large" });
    // The header section comes with it (for a 513), without the body.
    expect(tooLarge?.type === "error" && tooLarge.head?.toString()).toBe(withBody.slice(0, withBody.indexOf("\r\n\r\n")));
    expect(small.push(Buffer.from(requestText("OPTIONS")))).toEqual([]);
    const headerFlood = new StreamFramer(1000);
    expect(headerFlood.push(Buffer.alloc(2000, 0x41))[0]).toMatchObject({ type: "error" });
  });

  it("recognises the compact form l:", () => {
    const framer = new StreamFramer();
    const text = requestText("MESSAGE").replace("Content-Length: 0", "l: 2") + "hi";
    expect(framer.push(Buffer.from(text))).toHaveLength(1);
  });
});
