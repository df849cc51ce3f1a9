import { describe, expect, it } from "vitest";
import { AddressAllowList } from "../../../server/telephony/address-allow-list";
import { TrunkSourceAdmission } from "../../../server/telephony/source-rate-limiter";
import type { MessageSource, TransportKind } from "../../../server/sip";

const source = (address: string, transport: TransportKind = "UDP"): MessageSource => ({
  transport,
  remote: { address, port: 5060 },
  local: { address: "127.0.0.1", port: 5060 },
});

describe("TrunkSourceAdmission (who Hotline trusts, and how fast strangers may talk)", () => {
  it("trusts TRUNK_ALLOW addresses and operator WebSockets, nothing else", () => {
    const admission = new TrunkSourceAdmission(new AddressAllowList("127.0.0.1,203.0.113.0/24"), () => 0);
    expect(admission.isTrusted(source("127.0.0.1"))).toBe(true);
    expect(admission.isTrusted(source("203.0.113.9", "TCP"))).toBe(true);
    expect(admission.isTrusted(source("::ffff:127.0.0.1"))).toBe(true);
    expect(admission.isTrusted(source("127.0.0.2"))).toBe(false);
    expect(admission.isTrusted(source("198.51.100.1", "WS"))).toBe(true);
  });

  it("admits a burst of 10 requests per stranger, then 1 a second; error responses alike, separately", () => {
    let now = 0;
    const admission = new TrunkSourceAdmission(new AddressAllowList("127.0.0.1"), () => now);
    const admitted = (n: number) => Array.from({ length: n }, () => admission.admitRequest(source("127.0.0.2"))).filter(Boolean).length;
    expect(admitted(50)).toBe(10);
    expect(admission.admitRequest(source("127.0.0.3"))).toBe(true);
    now += 3_000;
    expect(admitted(50)).toBe(3);
    const errors = Array.from({ length: 50 }, () => admission.admitErrorResponse({ address: "127.0.0.2", port: 1 })).filter(Boolean).length;
    expect(errors).toBe(10);
  });
});
