import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../server/config/config";

describe("parseConfig", () => {
  it("applies the embedded defaults", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: "0.0.0.0", DATA_DIR: "./data", PUBLIC_URL: "http://localhost:3000" });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it("treats empty values as unset", () => {
    expect(parseConfig({ DATABASE_URL: "", SESSION_SECRET: " " }).DATABASE_URL).toBeUndefined();
  });

  it("names every bad variable in one readable error, without echoing secrets", () => {
    let error: unknown;
    try {
      parseConfig({ PORT: "http", DATABASE_URL: "mysql://x", SESSION_SECRET: "short-secret-value", ADMIN_USERNAME: "root" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toContain("PORT:");
    expect(message).toContain("DATABASE_URL:");
    expect(message).toContain("SESSION_SECRET: must be at least 32 characters");
    expect(message).toContain("ADMIN_PASSWORD: ADMIN_USERNAME and ADMIN_PASSWORD go together");
    expect(message).not.toContain("short-secret-value");
  });

  it("names every bad TRUNK_ALLOW entry, whatever else is wrong", () => {
    const message = (() => {
      try {
        parseConfig({ PORT: "abc", TRUNK_ALLOW: "foo,127.0.0.1/33,999.1.1.1,10.0.0.0/8,127.0.0.1/x" });
      } catch (e) {
        return (e as ConfigError).message;
      }
      return "";
    })();
    expect(message).toContain("PORT:");
    for (const entry of ["foo", "127.0.0.1/33", "999.1.1.1", "127.0.0.1/x"]) expect(message).toContain(`"${entry}"`);
    expect(message).not.toContain("10.0.0.0/8");
  });

  it("accepts a PostgreSQL URL and derives PUBLIC_URL from HOST and PORT", () => {
    const config = parseConfig({ DATABASE_URL: "postgres://u:p@db/hotline", HOST: "10.1.2.3", PORT: "8080" });
    expect(config.DATABASE_URL).toBe("postgres://u:p@db/hotline");
    expect(config.PUBLIC_URL).toBe("http://10.1.2.3:8080");
  });

  it("reads the session and proxy bounds, with their defaults and limits", () => {
    expect(parseConfig({})).toMatchObject({ TRUST_PROXY_HOPS: 1, OPERATOR_LOGOUT_GRACE_S: 120, SESSION_MAX_PER_USER: 10 });
    expect(parseConfig({ TRUST_PROXY: "true", TRUST_PROXY_HOPS: "2", OPERATOR_LOGOUT_GRACE_S: "0", SESSION_MAX_PER_USER: "3" })).toMatchObject({
      TRUST_PROXY: true,
      TRUST_PROXY_HOPS: 2,
      OPERATOR_LOGOUT_GRACE_S: 0,
      SESSION_MAX_PER_USER: 3,
    });
    expect(() => parseConfig({ TRUST_PROXY_HOPS: "0", SESSION_MAX_PER_USER: "0" })).toThrow(/TRUST_PROXY_HOPS[\s\S]*SESSION_MAX_PER_USER/);
  });
});
