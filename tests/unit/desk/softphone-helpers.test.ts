import { describe, expect, it } from "vitest";
import { formatElapsed } from "../../../app/desk/format-elapsed";
import { backoffDelay } from "../../../app/desk/reconnect-backoff";
import { sipWebSocketUrl } from "../../../app/desk/sip-websocket-url";

describe("sipWebSocketUrl", () => {
  it("uses the page's own origin with ws: or wss: to match http: or https:", () => {
    expect(sipWebSocketUrl({ protocol: "http:", host: "127.0.0.1:3210" }, "/sip")).toBe("ws://127.0.0.1:3210/sip");
    expect(sipWebSocketUrl({ protocol: "https:", host: "desk.example.org" }, "/sip")).toBe("wss://desk.example.org/sip");
    expect(sipWebSocketUrl({ protocol: "https:", host: "desk.example.org" }, "sip")).toBe("wss://desk.example.org/sip");
  });
});

describe("backoffDelay", () => {
  const options = { baseMs: 1_000, maxMs: 30_000 };

  it("doubles per attempt with jitter between half and the full step", () => {
    expect(backoffDelay(1, options, () => 0)).toBe(500);
    expect(backoffDelay(1, options, () => 0.999999)).toBe(1_000);
    expect(backoffDelay(2, options, () => 0)).toBe(1_000);
    expect(backoffDelay(4, options, () => 0)).toBe(4_000);
  });

  it("is capped and never zero, even for absurd attempt counts", () => {
    expect(backoffDelay(50, options, () => 0.999999)).toBe(30_000);
    expect(backoffDelay(1_000_000, options, () => 0)).toBe(15_000);
    expect(backoffDelay(0, options, () => 0)).toBeGreaterThan(0);
  });
});

describe("formatElapsed", () => {
  it("shows m:ss under an hour and h:mm:ss beyond", () => {
    expect(formatElapsed(0)).toBe("0:00");
    expect(formatElapsed(59_999)).toBe("0:59");
    expect(formatElapsed(61_000)).toBe("1:01");
    expect(formatElapsed(3_600_000 + 5 * 60_000 + 7_000)).toBe("1:05:07");
  });

  it("never shows a negative time (server and browser clocks differ a little)", () => {
    expect(formatElapsed(-5_000)).toBe("0:00");
  });
});
