import { afterEach, describe, expect, it, vi } from "vitest";
import { createRequest, type Connection } from "../../../server/sip";
import { Registrar } from "../../../server/telephony/registrar";
import { sdpDirection, withDirection } from "../../../server/telephony/b2bua";
import { AddressAllowList } from "../../../server/telephony/address-allow-list";
import { SourceRateLimiter } from "../../../server/telephony/source-rate-limiter";

function register(user: string, contact: string | undefined, expires?: number) {
  const headers: Array<[string, string]> = [
    ["Via", "SIP/2.0/WSS x.invalid;branch=z9hG4bK-1"],
    ["From", `<sip:${user}@hotline.invalid>;tag=1`],
    ["To", `<sip:${user}@hotline.invalid>`],
    ["Call-ID", "reg-1"],
    ["CSeq", "1 REGISTER"],
  ];
  if (contact) headers.push(["Contact", contact]);
  if (expires !== undefined) headers.push(["Expires", String(expires)]);
  return createRequest({ method: "REGISTER", uri: "sip:hotline.invalid", headers });
}

const connection = (id: string): Connection => ({ id, transport: "WS", remote: { address: "127.0.0.1", port: 1 }, open: true, send: async () => {}, close: vi.fn() });
const amina = { userId: 7, username: "amina", role: "operator" as const };

describe("Registrar", () => {
  afterEach(() => vi.useRealTimers());

  function setup() {
    vi.useFakeTimers();
    const events: string[] = [];
    const registrar = new Registrar(() => Date.now(), {
      registered: (b) => events.push(`registered ${b.userId}`),
      unregistered: (id, why) => events.push(`unregistered ${id} ${why}`),
    });
    return { registrar, events };
  }

  it("binds only the connection owner's own address", () => {
    const { registrar, events } = setup();
    expect(registrar.handle(register("omar", "<sip:a@b;transport=ws>"), amina, connection("c1")).status).toBe(403);
    const ok = registrar.handle(register("Amina", "<sip:a@b;transport=ws>", 300), amina, connection("c1"));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Contact")).toBe("<sip:a@b;transport=ws>;expires=300");
    expect(events).toEqual(["registered 7"]);
  });

  it("clamps long expiries, refuses too short ones with 423, and expires bindings", () => {
    const { registrar, events } = setup();
    expect(registrar.handle(register("amina", "<sip:a@b>", 10), amina, connection("c1")).status).toBe(423);
    const ok = registrar.handle(register("amina", "<sip:a@b>", 86_400), amina, connection("c1"));
    expect(ok.headers.get("Contact")).toMatch(/expires=600$/);
    vi.advanceTimersByTime(599_000);
    expect(registrar.binding(7)).toBeDefined();
    vi.advanceTimersByTime(2_000);
    expect(registrar.binding(7)).toBeUndefined();
    expect(events).toEqual(["registered 7", "unregistered 7 expired"]);
  });

  it("ends the binding on Expires 0 and when the WebSocket closes", () => {
    const { registrar, events } = setup();
    const c1 = connection("c1");
    registrar.handle(register("amina", "<sip:a@b>", 300), amina, c1);
    expect(registrar.handle(register("amina", "<sip:a@b>", 0), amina, c1).status).toBe(200);
    registrar.handle(register("amina", "<sip:a@b>", 300), amina, c1);
    registrar.connectionClosed(c1);
    expect(events).toEqual(["registered 7", "unregistered 7 unregistered", "registered 7", "unregistered 7 connection-closed"]);
  });
});

describe("SDP direction for hold", () => {
  const sdp = "v=0\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n";
  it("reads media-level direction, the RFC 2543 0.0.0.0 hold, and defaults to sendrecv", () => {
    expect(sdpDirection(sdp)).toBe("sendonly");
    expect(sdpDirection(sdp.replace("10.0.0.1", "0.0.0.0").replace("a=sendonly\r\n", ""))).toBe("inactive");
    expect(sdpDirection("v=0\r\nm=audio 1 RTP/AVP 0\r\n")).toBe("sendrecv");
  });
  it("rewrites the direction of our answer", () => {
    expect(withDirection("v=0\r\nm=audio 1 RTP/AVP 0\r\na=sendrecv\r\n", "recvonly")).toBe("v=0\r\nm=audio 1 RTP/AVP 0\r\na=recvonly\r\n");
  });
});

describe("trunk allow-list and rate limiting", () => {
  it("matches addresses, CIDRs and IPv4-mapped IPv6", () => {
    const list = new AddressAllowList("127.0.0.1, 203.0.113.0/24, 2001:db8::/32");
    expect(list.allows("127.0.0.1")).toBe(true);
    expect(list.allows("::ffff:203.0.113.77")).toBe(true);
    expect(list.allows("2001:db8::5")).toBe(true);
    expect(list.allows("198.51.100.1")).toBe(false);
    expect(() => new AddressAllowList("10.0.0.0/40")).toThrow(/prefix/);
    expect(() => new AddressAllowList("example.com")).toThrow(/not an IP/);
  });

  it("lets a burst through, then refills slowly", () => {
    let now = 0;
    const limiter = new SourceRateLimiter(() => now, 3, 1);
    expect([1, 2, 3, 4].map(() => limiter.allow("1.2.3.4"))).toEqual([true, true, true, false]);
    expect(limiter.allow("5.6.7.8")).toBe(true);
    now += 1000;
    expect(limiter.allow("1.2.3.4")).toBe(true);
    expect(limiter.allow("1.2.3.4")).toBe(false);
  });
});
