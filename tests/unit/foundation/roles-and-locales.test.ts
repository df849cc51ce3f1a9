import { describe, expect, it } from "vitest";
import { hasRole, homePath, safeNextPath } from "../../../server/auth/roles";
import { direction, negotiateLocale } from "../../../server/i18n/locales";
import { MESSAGES } from "../../../server/i18n/messages";

describe("roles", () => {
  it("nest operator < supervisor < admin", () => {
    expect(hasRole("admin", "operator")).toBe(true);
    expect(hasRole("supervisor", "admin")).toBe(false);
    expect(hasRole("operator", "supervisor")).toBe(false);
  });

  it("accept only same-origin next paths the role may open", () => {
    const site = "https://hotline.example.org";
    expect(safeNextPath("/board", "supervisor", site)).toBe("/board");
    expect(safeNextPath("/board?q=1#top", "supervisor", site)).toBe("/board?q=1#top");
    expect(safeNextPath("/admin/users", "operator", site)).toBe(homePath("operator"));
    expect(safeNextPath("//evil.example/x", "admin", site)).toBe("/admin/users");
    expect(safeNextPath("https://evil.example", "admin", site)).toBe("/admin/users");
    expect(safeNextPath("/\\evil.example", "operator", site)).toBe("/desk");
  });

  it("refuse next paths that a URL parser turns into another origin or that carry control characters", () => {
    const site = "https://hotline.example.org";
    // The browser drops the tab: "/\t/evil.example/" is "//evil.example/", another site.
    expect(safeNextPath(decodeURIComponent("%2F%09%2Fevil.example%2F"), "admin", site)).toBe("/admin/users");
    expect(safeNextPath("/\n/evil.example/", "admin", site)).toBe("/admin/users");
    expect(safeNextPath("/\r\n/evil.example/", "operator", site)).toBe("/desk");
    expect(safeNextPath("/desk\u0000", "operator", site)).toBe("/desk");
    expect(safeNextPath("/\u007f/evil.example", "operator", site)).toBe("/desk");
    expect(safeNextPath("/%2F/evil.example", "operator", site)).toBe("/%2F/evil.example");
    // A role check on the resolved path: dot segments cannot reach /admin from /desk.
    expect(safeNextPath("/desk/../admin/users", "operator", site)).toBe("/desk");
  });
});

describe("locales", () => {
  it("negotiate Accept-Language by quality then order", () => {
    expect(negotiateLocale("ar-EG,ar;q=0.9,en;q=0.8")).toBe("ar");
    expect(negotiateLocale("de-DE,fr;q=0.5,en;q=0.4")).toBe("fr");
    expect(negotiateLocale("en;q=0.2, fr-CA;q=0.9")).toBe("fr");
    expect(negotiateLocale("de, it")).toBe("en");
    expect(negotiateLocale(undefined)).toBe("en");
  });

  it("writes Arabic right to left", () => {
    expect(direction("ar")).toBe("rtl");
    expect(direction("fr")).toBe("ltr");
  });

  it("has every English message in French and Arabic", () => {
    const keys = (o: object, prefix = ""): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === "object" ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
    const english = keys(MESSAGES.en).sort();
    expect(keys(MESSAGES.fr).sort()).toEqual(english);
    expect(keys(MESSAGES.ar).sort()).toEqual(english);
  });
});
