/**
 * The wallboard's access and colours: a wallboard account may open `/wallboard` and nothing else, supervisors and
 * admins may open it too, operators may not; the colours follow each queue's thresholds.
 */
import { describe, expect, it } from "vitest";
import { hasRole, homePath, requiredRoleForPath, safeNextPath } from "../../../server/auth/roles";
import { availableLevel, serviceLevelLevel, waitLevel } from "../../../app/wallboard/wallboard-colours";

describe("the wallboard role", () => {
  it("opens the wallboard and nothing else", () => {
    expect(homePath("wallboard")).toBe("/wallboard");
    expect(requiredRoleForPath("/wallboard")).toBe("wallboard");
    for (const path of ["/board", "/desk", "/callbacks", "/admin/users"]) expect(hasRole("wallboard", requiredRoleForPath(path)!)).toBe(false);
    expect(safeNextPath("/board", "wallboard", "http://h.test")).toBe("/wallboard");
    expect(safeNextPath("/wallboard", "wallboard", "http://h.test")).toBe("/wallboard");
  });

  it("lets supervisors and admins open the wallboard, not operators", () => {
    expect(hasRole("supervisor", "wallboard")).toBe(true);
    expect(hasRole("admin", "wallboard")).toBe(true);
    expect(hasRole("operator", "wallboard")).toBe(false);
  });
});

describe("wallboard colours", () => {
  it("grades the service level against the queue's target (80 % without one)", () => {
    expect(serviceLevelLevel({ serviceLevel: null, serviceLevelTarget: null })).toBe("none");
    expect(serviceLevelLevel({ serviceLevel: 0.85, serviceLevelTarget: null })).toBe("good");
    expect(serviceLevelLevel({ serviceLevel: 0.75, serviceLevelTarget: null })).toBe("warn");
    expect(serviceLevelLevel({ serviceLevel: 0.6, serviceLevelTarget: null })).toBe("bad");
    expect(serviceLevelLevel({ serviceLevel: 0.6, serviceLevelTarget: 0.6 })).toBe("good");
  });

  it("grades the longest wait against the service-level threshold and the long-wait limit", () => {
    expect(waitLevel({ slThresholdS: 20, longWaitS: 120 }, 20_000)).toBe("good");
    expect(waitLevel({ slThresholdS: 20, longWaitS: 120 }, 100_000)).toBe("warn");
    expect(waitLevel({ slThresholdS: 20, longWaitS: 120 }, 121_000)).toBe("bad");
    expect(waitLevel({ slThresholdS: 20, longWaitS: null }, 61_000)).toBe("bad");
  });

  it("shows red when callers wait and nobody is available", () => {
    expect(availableLevel({ available: 0, waitingCount: 1 })).toBe("bad");
    expect(availableLevel({ available: 0, waitingCount: 0 })).toBe("warn");
    expect(availableLevel({ available: 2, waitingCount: 3 })).toBe("good");
  });
});
