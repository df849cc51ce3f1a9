/**
 * Hotline as a client of a SIP provider, with real SIPp playing the provider: registration with a
 * 401 challenge checked by SIPp's verifyauth, and an outbound INVITE challenged with 407.
 * Runs on the real B2BUA's transaction layer and sockets.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../server/logger";
import { AddressAllowList } from "../../../server/telephony/address-allow-list";
import { B2bua } from "../../../server/telephony/b2bua";
import { OutboundCall, type OutboundCallFailure } from "../../../server/telephony/outbound-call";
import { TrunkRegistration } from "../../../server/telephony/trunk-registration";
import { freePort } from "../../support/net";
import { startSippProvider } from "./sipp-provider";

const CREDENTIALS = { username: "hotline-acct", password: "s3cret-pw" };
const OFFER = "v=0\r\no=hotline 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n";

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("trunk toward a provider (SIPp)", () => {
  let b2bua: B2bua;

  beforeEach(async () => {
    b2bua = await B2bua.start({
      sipHost: "127.0.0.1",
      // A port free for both UDP and TCP: the B2BUA listens on both.
      sipPort: await freePort(),
      advertisedAddress: "127.0.0.1",
      trunkAllow: new AddressAllowList("127.0.0.1"),
      handler: { onInboundCall: (leg) => leg.reject(503) },
      registrarEvents: { registered: () => undefined, unregistered: () => undefined },
      logger: silentLogger,
    });
  });

  afterEach(async () => {
    await b2bua.close();
  });

  function registration(port: number, password = CREDENTIALS.password, transport: "UDP" | "TCP" = "UDP") {
    return new TrunkRegistration({
      layer: b2bua.layer,
      registrar: { host: "127.0.0.1", port },
      transport,
      domain: "provider.test",
      credentials: { ...CREDENTIALS, password },
      expires: 600,
      local: b2bua.localContact(transport),
      logger: silentLogger,
    });
  }

  it.each(["UDP", "TCP"] as const)("registers over %s through a 401 challenge, honours the granted expiry, and unregisters on stop", async (transport) => {
    const sipp = await startSippProvider("provider-challenges-register-then-accepts.xml", transport);
    const trunk = registration(sipp.port, CREDENTIALS.password, transport);
    trunk.start();
    await until(() => trunk.status().state !== "registering", "the registration");
    const status = trunk.status();
    expect(status).toMatchObject({ state: "registered", lastError: null });
    // SIPp granted 120 s in the Contact, not the 600 asked for.
    const remaining = Date.parse(status.expiresAt!) - Date.now();
    expect(remaining).toBeGreaterThan(110_000);
    expect(remaining).toBeLessThanOrEqual(120_000);
    await trunk.stop();
    expect(trunk.status().state).toBe("stopped");
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it("reports 403 when the provider rejects the credentials", async () => {
    const sipp = await startSippProvider("provider-challenges-register-then-accepts.xml");
    const trunk = registration(sipp.port, "wrong-password");
    trunk.start();
    await until(() => trunk.status().state !== "registering", "the registration");
    expect(trunk.status()).toMatchObject({ state: "failed", lastError: "403 Forbidden", expiresAt: null });
    await trunk.stop();
    // SIPp's scenario fails on purpose when the credentials are bad.
    expect((await sipp.done).code).not.toBe(0);
  });

  it("places an outbound INVITE through a 407 challenge, gets the answer, ACKs and hangs up", async () => {
    const sipp = await startSippProvider("provider-challenges-invite-with-407-then-answers.xml");
    const events: string[] = [];
    let answer = "";
    let failure: OutboundCallFailure | undefined;
    const call = new OutboundCall({
      layer: b2bua.layer,
      local: b2bua.localContact("UDP"),
      destination: { transport: "UDP", address: "127.0.0.1", port: sipp.port },
      domain: "provider.test",
      number: "+15550001111",
      sdp: OFFER,
      fromUser: CREDENTIALS.username,
      credentials: CREDENTIALS,
      // The scenario checks the exact digest answer (see its header comment), so the cnonce is pinned.
      cnonce: () => "hotline-test-cnonce",
      events: {
        onProvisional: (status) => events.push(`provisional ${status}`),
        onAnswered: (sdp) => {
          answer = sdp;
          events.push("answered");
        },
        onFailed: (f) => {
          failure = f;
          events.push(`failed ${f.status}`);
        },
      },
    });
    call.start();
    await until(() => call.state === "answered" || call.state === "failed", "the answer");
    expect(failure).toBeUndefined();
    expect(events).toEqual(["provisional 180", "answered"]);
    expect(answer).toMatch(/^m=audio \d+ RTP\/AVP 8/m);
    call.hangup();
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});
