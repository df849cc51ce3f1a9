import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, trunkSettings } from "../../../server/config/config";

function problems(env: Record<string, string>): string {
  try {
    parseConfig(env);
    return "";
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
}

describe("trunk configuration", () => {
  it("is off unless TRUNK_REGISTRAR is set", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ TRUNK_REGISTER_EXPIRES: 600, TRUNK_TRANSPORT: "udp" });
    expect(trunkSettings(config)).toBeUndefined();
    // Credentials alone (for outbound calls) are valid and do not turn registration on.
    expect(trunkSettings(parseConfig({ TRUNK_USERNAME: "acct", TRUNK_PASSWORD: "pw" }))).toBeUndefined();
  });

  it("derives the registration settings, the domain defaulting to the registrar host", () => {
    const env = { TRUNK_REGISTRAR: "sip.provider.example:5080", TRUNK_USERNAME: "acct", TRUNK_PASSWORD: "pw", TRUNK_TRANSPORT: "TCP", TRUNK_REGISTER_EXPIRES: "300" };
    expect(trunkSettings(parseConfig(env))).toEqual({
      registrar: { host: "sip.provider.example", port: 5080 },
      domain: "sip.provider.example",
      username: "acct",
      password: "pw",
      expires: 300,
      transport: "TCP",
    });
    const withDomain = trunkSettings(parseConfig({ ...env, TRUNK_REGISTRAR: "203.0.113.5", TRUNK_DOMAIN: "voip.example" }));
    expect(withDomain).toMatchObject({ registrar: { host: "203.0.113.5", port: 5060 }, domain: "voip.example" });
  });

  it("fails fast on half credentials, a registrar without them, and bad values, without echoing the password", () => {
    expect(problems({ TRUNK_USERNAME: "acct" })).toContain("TRUNK_USERNAME and TRUNK_PASSWORD go together");
    const message = problems({ TRUNK_PASSWORD: "hunter2-secret", TRUNK_REGISTRAR: "sip.example:99999" });
    expect(message).toContain("TRUNK_USERNAME and TRUNK_PASSWORD go together");
    expect(message).toContain("TRUNK_REGISTRAR: must be host or host:port");
    expect(message).toContain("TRUNK_USERNAME: registering at TRUNK_REGISTRAR needs");
    expect(message).not.toContain("hunter2-secret");
    expect(problems({ TRUNK_TRANSPORT: "tls" })).toContain("TRUNK_TRANSPORT:");
    expect(problems({ TRUNK_REGISTER_EXPIRES: "5" })).toContain("TRUNK_REGISTER_EXPIRES:");
  });
});
