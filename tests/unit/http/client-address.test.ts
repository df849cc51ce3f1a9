import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress } from "../../../server/http/client-address";

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } }) as unknown as IncomingMessage;

describe("client address behind trusted proxies", () => {
  it("takes the entry the trusted proxy appended, never the client's own leftmost entry", () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the one proxy appended the address it saw.
    expect(clientAddress(request("10.0.0.1", "6.6.6.6, 203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientAddress(request("10.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.9"), 2)).toBe("203.0.113.7");
    expect(clientAddress(request("10.0.0.1", "203.0.113.7"), 1)).toBe("203.0.113.7");
  });

  it("uses the socket's peer without a trusted proxy, without a header, or for a header that is no address", () => {
    expect(clientAddress(request("10.0.0.1", "6.6.6.6"), 0)).toBe("10.0.0.1");
    expect(clientAddress(request("10.0.0.1"), 1)).toBe("10.0.0.1");
    expect(clientAddress(request("10.0.0.1", "6.6.6.6, not-an-ip"), 1)).toBe("10.0.0.1");
  });

  it("with fewer entries than hops, takes the leftmost (written by the outermost trusted proxy)", () => {
    expect(clientAddress(request("10.0.0.1", "203.0.113.7"), 3)).toBe("203.0.113.7");
  });
});
