import { describe, expect, it } from "vitest";
import { HealthRegistry } from "../../../server/health";

describe("HealthRegistry", () => {
  it("is ok only when every part is", async () => {
    const health = new HealthRegistry();
    health.register("database", () => ({ ok: true }));
    expect((await health.report()).status).toBe("ok");
    health.register("media", () => ({ ok: false, reason: "not started" }));
    const report = await health.report();
    expect(report.status).toBe("down");
    expect(report.parts.media).toEqual({ ok: false, reason: "not started" });
  });

  it("reports a throwing or hanging check as down instead of failing the request", async () => {
    const health = new HealthRegistry();
    health.register("broken", () => {
      throw new Error("boom");
    });
    health.register("hung", () => new Promise(() => {}));
    const report = await health.report(50);
    expect(report.parts.broken).toEqual({ ok: false, error: "boom" });
    expect(report.parts.hung).toEqual({ ok: false, error: "no answer within 50 ms" });
  });
});

describe("publicHealth", () => {
  it("shows a caller without an admin session only the status and which parts are up", async () => {
    const { publicHealth } = await import("../../../server/health");
    const health = new HealthRegistry();
    health.register("database", () => ({ ok: true, kind: "postgres" }));
    health.register("trunk", () => ({ ok: false, registrar: "10.1.2.3:5060", error: "timeout" }));
    expect(publicHealth(await health.report())).toEqual({ status: "down", parts: { database: { ok: true }, trunk: { ok: false } } });
  });
});
