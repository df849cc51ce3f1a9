import { describe, expect, it } from "vitest";
import { createResponseMessage } from "../../../server/sip/message.js";
import { TrunkRegistration, grantedExpires, refreshDelayMs } from "../../../server/telephony/trunk-registration";
import { challenge, digestValid, fakeProvider, param, seqOf } from "./fake-provider";

const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(options: { expires?: number } = {}) {
  const provider = fakeProvider();
  const registration = new TrunkRegistration({
    layer: provider.layer,
    registrar: { host: "192.0.2.10", port: 5060 },
    transport: "UDP",
    domain: "sip.example.net",
    credentials: { username: "hotline", password: "s3cret" },
    expires: options.expires ?? 600,
    local: { hostport: "192.0.2.1:5060", transport: "UDP" },
    timers: provider.timers,
    now: () => provider.timers.now,
    // Jitter pinned to its top: backoff delays are exactly base * 2^n.
    random: () => 1,
    backoff: { baseMs: 30_000, maxMs: 120_000 },
    cnonce: () => "0a1b2c3d",
  });
  const { requests, last, answer, timers } = provider;
  /** Registers through one 401 round and a 200 granting `granted` seconds. */
  const register = (granted = 600) => {
    registration.start();
    answer(401, [["WWW-Authenticate", challenge("n1")]]);
    answer(200, [["Contact", `<sip:hotline@192.0.2.1:5060>;expires=${granted}`]]);
  };
  return { ...provider, registration, requests: () => requests("REGISTER"), last: () => last("REGISTER"), answer, timers, register };
}

describe("TrunkRegistration", () => {
  it("answers a 401 with Authorization: same Call-ID and From tag, new branch, CSeq + 1", () => {
    const { registration, requests, last, answer } = setup();
    registration.start();
    const first = last();
    expect(first.uri).toBe("sip:sip.example.net");
    expect(first.headers.get("To")).toBe("<sip:hotline@sip.example.net>");
    expect(first.headers.get("Contact")).toBe("<sip:hotline@192.0.2.1:5060>");
    expect(first.headers.get("Expires")).toBe("600");
    expect(first.headers.has("Authorization")).toBe(false);
    expect(registration.status().state).toBe("registering");

    answer(401, [["WWW-Authenticate", challenge("n1")]]);
    const second = last();
    expect(requests()).toHaveLength(2);
    expect(seqOf(second)).toBe(2);
    expect(second.headers.get("Call-ID")).toBe(first.headers.get("Call-ID"));
    expect(second.headers.get("From")).toBe(first.headers.get("From"));
    expect(param(second.headers.get("Via"), "branch")).not.toBe(param(first.headers.get("Via"), "branch"));
    expect(digestValid(second, "Authorization", "s3cret")).toBe(true);
    expect(param(second.headers.get("Authorization"), "nc")).toBe("00000001");

    answer(200, [["Contact", "<sip:hotline@192.0.2.1:5060>;expires=300"]]);
    expect(registration.status()).toEqual({ state: "registered", expiresAt: new Date(300_000).toISOString(), lastError: null });
  });

  it("answers a 407 with Proxy-Authorization", () => {
    const { registration, last, answer } = setup();
    registration.start();
    answer(407, [["Proxy-Authenticate", challenge("p1")]]);
    expect(digestValid(last(), "Proxy-Authorization", "s3cret")).toBe(true);
    expect(last().headers.has("Authorization")).toBe(false);
    answer(200, [["Expires", "120"]]);
    expect(registration.status().state).toBe("registered");
    expect(registration.status().expiresAt).toBe(new Date(120_000).toISOString());
  });

  it("refreshes at 85 % of the granted time with the cached credentials, and follows a stale nonce", () => {
    const { registration, requests, last, answer, timers, register } = setup();
    register(600);
    expect(requests()).toHaveLength(2);
    timers.advance(509_000);
    expect(requests()).toHaveLength(2);
    timers.advance(1_000);
    const refresh = last();
    expect(requests()).toHaveLength(3);
    expect(seqOf(refresh)).toBe(3);
    // Credentials up front (RFC 3261 §22.3): same nonce, next nonce count.
    expect(param(refresh.headers.get("Authorization"), "nonce")).toBe("n1");
    expect(param(refresh.headers.get("Authorization"), "nc")).toBe("00000002");
    expect(digestValid(refresh, "Authorization", "s3cret")).toBe(true);
    expect(registration.status().state).toBe("registered");

    answer(401, [["WWW-Authenticate", challenge("n2", ", stale=true")]]);
    const retry = last();
    expect(param(retry.headers.get("Authorization"), "nonce")).toBe("n2");
    expect(param(retry.headers.get("Authorization"), "nc")).toBe("00000001");
    answer(200, [["Contact", "<sip:hotline@192.0.2.1:5060>;expires=600"]]);
    expect(registration.status().expiresAt).toBe(new Date(510_000 + 600_000).toISOString());
  });

  it("gives up after one retry when the credentials are rejected for the same nonce, then backs off", () => {
    const { registration, requests, answer, timers } = setup();
    registration.start();
    answer(401, [["WWW-Authenticate", challenge("n1")]]);
    answer(401, [["WWW-Authenticate", challenge("n1")]]);
    expect(requests()).toHaveLength(2);
    expect(registration.status().state).toBe("failed");
    expect(registration.status().lastError).toMatch(/authentication failed: credentials rejected/);
    timers.advance(29_999);
    expect(requests()).toHaveLength(2);
    timers.advance(1);
    expect(requests()).toHaveLength(3);
  });

  it("caps the challenge rounds when every answer brings a fresh nonce", () => {
    const { registration, requests, answer } = setup();
    registration.start();
    for (let i = 0; i < 10 && registration.status().state === "registering"; i++) answer(401, [["WWW-Authenticate", challenge(`fresh${i}`)]]);
    expect(registration.status().state).toBe("failed");
    expect(requests()).toHaveLength(3);
  });

  it("retries 403, timeouts and transport errors with doubling backoff up to the cap", async () => {
    const { registration, requests, answer, timers, transport } = setup();
    registration.start();
    answer(403);
    expect(registration.status()).toMatchObject({ state: "failed", lastError: "403 Forbidden", expiresAt: null });

    timers.advance(30_000); // first retry after base
    expect(requests()).toHaveLength(2);
    expect(registration.status().state).toBe("registering");
    timers.advance(32_000); // Timer F: no answer at all
    expect(registration.status().lastError).toMatch(/timeout/);

    timers.advance(60_000); // second retry after 2 * base
    expect(requests()).toHaveLength(3);
    answer(503, [["Retry-After", "45"]]);
    timers.advance(44_999);
    expect(requests()).toHaveLength(3);
    transport.fail = true;
    timers.advance(1); // Retry-After honoured
    await flush(); // a failed send is reported by a rejected promise
    expect(registration.status().lastError).toMatch(/transport error/);

    transport.fail = false;
    expect(requests()).toHaveLength(3); // the failed send never left
    timers.advance(119_999); // 4th failure: 8 * base, capped at 120 s
    expect(requests()).toHaveLength(3);
    timers.advance(1);
    expect(requests()).toHaveLength(4);
    answer(200, [["Expires", "600"]]);
    expect(registration.status()).toMatchObject({ state: "registered", lastError: null });
  });

  it("keeps the binding's expiry while a refresh fails", () => {
    const { registration, answer, timers, register } = setup();
    register(600);
    timers.advance(510_000);
    answer(500);
    expect(registration.status()).toEqual({ state: "failed", expiresAt: new Date(600_000).toISOString(), lastError: "500 Server Internal Error" });
  });

  it("asks again with Min-Expires after 423", () => {
    const { registration, last, answer } = setup({ expires: 60 });
    registration.start();
    answer(423, [["Min-Expires", "300"]]);
    expect(last().headers.get("Expires")).toBe("300");
    answer(200, []);
    expect(registration.status().expiresAt).toBe(new Date(300_000).toISOString());
  });

  it("stop() removes the binding with Expires: 0 and stops refreshing", async () => {
    const { registration, requests, last, answer, timers, register } = setup();
    register(600);
    const stopped = registration.stop();
    const unregister = last();
    expect(unregister.headers.get("Expires")).toBe("0");
    expect(unregister.headers.get("Contact")).toBe("<sip:hotline@192.0.2.1:5060>");
    expect(seqOf(unregister)).toBe(3);
    expect(digestValid(unregister, "Authorization", "s3cret")).toBe(true);
    answer(200);
    await stopped;
    expect(registration.status()).toEqual({ state: "stopped", expiresAt: null, lastError: null });
    timers.advance(3_600_000);
    expect(requests()).toHaveLength(3);
  });

  it("stop() does not wait forever for an unreachable registrar", async () => {
    const { registration, timers, register } = setup();
    register(600);
    const stopped = registration.stop();
    timers.advance(2_000);
    await expect(stopped).resolves.toBeUndefined();
  });

  it("stop() unregisters only when a binding may exist: granted, or a REGISTER still unanswered", async () => {
    const idle = setup();
    await idle.registration.stop();
    expect(idle.requests()).toHaveLength(0);

    const rejected = setup();
    rejected.registration.start();
    rejected.answer(403);
    await rejected.registration.stop();
    expect(rejected.requests()).toHaveLength(1);

    const pending = setup();
    pending.registration.start();
    const stopped = pending.registration.stop();
    pending.timers.advance(2_000);
    await stopped;
    expect(pending.requests().map((r) => r.headers.get("Expires"))).toEqual(["600", "0"]);
  });
});

describe("grantedExpires and refreshDelayMs", () => {
  const ok = (headers: Array<[string, string]>) => createResponseMessage({ status: 200, reason: "OK", headers });
  const ours = "<sip:hotline@192.0.2.1:5060>";

  it("takes our Contact's expires among several bindings, else the Expires header, else the request", () => {
    expect(grantedExpires(ok([["Contact", "<sip:hotline@198.51.100.7>;expires=3600, <sip:hotline@192.0.2.1:5060>;expires=120"]]), ours, 600)).toBe(120);
    expect(grantedExpires(ok([["Contact", "<sip:hotline@203.0.113.9:6000>;expires=90"]]), ours, 600)).toBe(90);
    expect(grantedExpires(ok([["Expires", "200"]]), ours, 600)).toBe(200);
    expect(grantedExpires(ok([]), ours, 600)).toBe(600);
  });

  it("refreshes at 85 %, at least 5 s early, never before half the time", () => {
    expect(refreshDelayMs(600)).toBe(510_000);
    expect(refreshDelayMs(30)).toBe(25_000);
    expect(refreshDelayMs(8)).toBe(4_000);
  });
});
