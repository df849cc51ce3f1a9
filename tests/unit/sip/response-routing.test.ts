import { describe, expect, it } from "vitest";
import { responseDestination, stampReceived } from "../../../server/sip/response-routing.js";
import { parseVia, type Via } from "../../../server/sip/via.js";
import type { Connection, MessageSource } from "../../../server/sip/transport.js";
import { parseRequest, requestText } from "./sip-test-helpers.js";

function via(text: string): Via {
  const parsed = parseVia(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const udpSource: MessageSource = { transport: "UDP", remote: { address: "198.51.100.1", port: 33333 }, local: { address: "192.0.2.1", port: 5060 } };

describe("Via received/rport (RFC 3261 §18.2.1, RFC 3581)", () => {
  it("adds received only when the sent-by host differs", () => {
    const same = parseRequest(requestText("OPTIONS", { via: "SIP/2.0/UDP 198.51.100.1;branch=z9hG4bK1" }));
    stampReceived(same, udpSource);
    expect(same.headers.get("Via")).toBe("SIP/2.0/UDP 198.51.100.1;branch=z9hG4bK1");
    const other = parseRequest(requestText("OPTIONS", { via: "SIP/2.0/UDP host.example.com;branch=z9hG4bK1" }));
    stampReceived(other, udpSource);
    expect(other.headers.get("Via")).toBe("SIP/2.0/UDP host.example.com;branch=z9hG4bK1;received=198.51.100.1");
  });

  it("fills rport and always adds received with it", () => {
    const req = parseRequest(requestText("OPTIONS", { via: "SIP/2.0/UDP 198.51.100.1:5060;rport;branch=z9hG4bK1" }));
    stampReceived(req, udpSource);
    expect(req.headers.get("Via")).toBe("SIP/2.0/UDP 198.51.100.1:5060;rport=33333;branch=z9hG4bK1;received=198.51.100.1");
  });
});

describe("responseDestination (RFC 3261 §18.2.2)", () => {
  it("uses received and the sent-by port, or rport when present", () => {
    expect(responseDestination(via("SIP/2.0/UDP h.example.com:5070;branch=z9hG4bK1;received=198.51.100.1"), udpSource)).toEqual({ transport: "UDP", address: "198.51.100.1", port: 5070 });
    expect(responseDestination(via("SIP/2.0/UDP h.example.com;branch=z9hG4bK1;received=198.51.100.1;rport=4444"), udpSource)).toMatchObject({ address: "198.51.100.1", port: 4444 });
    expect(responseDestination(via("SIP/2.0/UDP h.example.com;branch=z9hG4bK1"), udpSource)).toMatchObject({ address: "h.example.com", port: 5060 });
  });

  it("prefers maddr, and the open connection of a stream transport", () => {
    expect(responseDestination(via("SIP/2.0/UDP h;branch=z9hG4bK1;maddr=239.255.255.1;received=198.51.100.1"), udpSource)).toMatchObject({ address: "239.255.255.1" });
    const connection: Connection = { id: "c", transport: "TCP", remote: udpSource.remote, open: true, send: () => Promise.resolve(), close: () => undefined };
    const tcpSource: MessageSource = { ...udpSource, transport: "TCP", connection };
    expect(responseDestination(via("SIP/2.0/TCP h;branch=z9hG4bK1"), tcpSource).connection).toBe(connection);
    const closed = { ...connection, open: false };
    expect(responseDestination(via("SIP/2.0/TCP h;branch=z9hG4bK1"), { ...tcpSource, connection: closed }).connection).toBeUndefined();
  });
});
