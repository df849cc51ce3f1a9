/** The checks of "Call back" on /callbacks (server/callbacks/callback-service.ts `callbackChecks`). */
import { describe, expect, it } from "vitest";
import { callbackChecks } from "../../../server/callbacks/callback-service";

const allowAll = { check: async (number: string) => ({ ok: true as const, number, pattern: "X*" }) };

describe("callback checks", () => {
  it("refuses every number when no trunk is set up (the desk could not dial it), before asking the allow-list", async () => {
    let asked = 0;
    const checks = callbackChecks({ hasDesk: async () => true, trunk: false, policy: { check: async (n) => (asked++, allowAll.check(n)) }, role: "operator" });
    expect(await checks.mayCall("0155550000")).toEqual({ ok: false, reason: "no-trunk" });
    expect(asked).toBe(0);
  });

  it("with a trunk, the outbound policy decides for the operator's role; the desk check is the one given", async () => {
    const refuse = { check: async () => ({ ok: false as const, reason: "not-allowed" as const }) };
    expect(await callbackChecks({ hasDesk: async () => true, trunk: true, policy: allowAll, role: "operator" }).mayCall("0155550000")).toEqual({ ok: true });
    expect(await callbackChecks({ hasDesk: async () => true, trunk: true, policy: refuse, role: "operator" }).mayCall("0155550000")).toEqual({ ok: false, reason: "not-allowed" });
    expect(await callbackChecks({ hasDesk: async () => false, trunk: true, policy: allowAll, role: "operator" }).deskOpen()).toBe(false);
  });
});
