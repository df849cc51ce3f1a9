import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../server/config/config";
import { startupErrorLine } from "../../../server/config/startup-error";

/** A system error as Node's net and dgram modules make them (code, syscall, address, port). */
const systemError = (code: string, syscall: string, address: string, port: number) =>
  Object.assign(new Error(`${syscall} ${code} ${address}:${port}`), { code, syscall, address, port });

describe("startupErrorLine: one readable line when npm start cannot start", () => {
  const config = parseConfig({ PORT: "3001", SIP_PORT: "5070", TRUNK_ALLOW: "127.0.0.1" });

  it("names the setting of a port already in use: HTTP (listen) and SIP (bind)", () => {
    expect(startupErrorLine(systemError("EADDRINUSE", "listen", "0.0.0.0", 3001), config)).toBe(
      "cannot start: 0.0.0.0:3001 is already in use (another Hotline or program listens there): choose another PORT",
    );
    expect(startupErrorLine(systemError("EADDRINUSE", "bind", "0.0.0.0", 5070), config)).toMatch(/0\.0\.0\.0:5070 is already in use .*: choose another SIP_PORT$/);
  });

  it("says a privileged port needs privileges", () => {
    const low = parseConfig({ PORT: "80", TRUNK_ALLOW: "127.0.0.1" });
    expect(startupErrorLine(systemError("EACCES", "listen", "0.0.0.0", 80), low)).toBe(
      "cannot start: 0.0.0.0:80 needs privileges this process does not have: choose another PORT",
    );
  });

  it("a port no setting chose is still named, without advice; configuration errors pass as they are; others are not its business", () => {
    expect(startupErrorLine(systemError("EADDRINUSE", "bind", "127.0.0.1", 40000), config)).toBe(
      "cannot start: 127.0.0.1:40000 is already in use (another Hotline or program listens there)",
    );
    const invalid = new ConfigError(["PORT: Expected number"]);
    expect(startupErrorLine(invalid, undefined)).toBe(invalid.message);
    expect(startupErrorLine(new Error("boom"), config)).toBeUndefined();
    expect(startupErrorLine(Object.assign(new Error("x"), { code: "ECONNREFUSED", port: 5432 }), config)).toBeUndefined();
  });
});
