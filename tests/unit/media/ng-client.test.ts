import { afterEach, describe, expect, it } from "vitest";
import type { Logger } from "../../../server/media/logger.js";
import {
  NgClient,
  NgError,
  NgTimeoutError,
  NgUnavailableError,
  type NgClientOptions,
} from "../../../server/media/ng-client.js";
import { FakeNgTransport } from "./fake-ng-transport.js";

const clients: NgClient[] = [];
function setup(options: NgClientOptions = {}): { fake: FakeNgTransport; client: NgClient; logs: string[] } {
  const fake = new FakeNgTransport();
  const logs: string[] = [];
  const record =
    (level: string) =>
    (message: string): void => {
      logs.push(`${level}: ${message}`);
    };
  const logger: Logger = { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") };
  const client = new NgClient(
    { host: "127.0.0.1", port: 22222 },
    { timeoutMs: 20, retries: 2, logger, ...options, transportFactory: fake.factory },
  );
  clients.push(client);
  return { fake, client, logs };
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

describe("NgClient framing and matching", () => {
  it("sends cookie + space + bencoded dict with the command", async () => {
    const { fake, client } = setup();
    fake.responder = () => ({ result: "pong" });
    await client.ping();
    expect(fake.sent).toHaveLength(1);
    const [req] = fake.sent;
    expect(req?.cookie).toMatch(/^[0-9a-f]{8}[0-9a-z]+$/);
    expect({ ...req?.dict }).toEqual({ command: "ping" });
  });

  it("uses a new cookie per request and matches replies by cookie, in any order", async () => {
    const { fake, client } = setup({ timeoutMs: 1000 });
    const a = client.query({ callId: "A" });
    const b = client.query({ callId: "B" });
    const [ra, rb] = fake.sent;
    expect(ra?.cookie).not.toBe(rb?.cookie);
    // Answer B first: replies must not be matched by order.
    fake.deliver(rb!.cookie, { result: "ok", which: "B" });
    fake.deliver(ra!.cookie, { result: "ok", which: "A" });
    expect((await a)["which"]).toBe("A");
    expect((await b)["which"]).toBe("B");
    expect(client.pendingCount).toBe(0);
  });

  it("ignores replies with unknown cookies, no cookie, or garbage; the request still resolves", async () => {
    const { fake, client, logs } = setup({ timeoutMs: 1000 });
    const p = client.list();
    const cookie = fake.sent[0]!.cookie;
    fake.deliver("deadbeef0", { result: "ok", calls: ["stale"] });
    fake.deliverRaw(Buffer.from("nocookie"));
    fake.deliverRaw(Buffer.from(`${cookie} d6:result`)); // truncated: decode error, stays pending
    fake.deliver(cookie, { result: "ok", calls: ["c1", "c2"] });
    expect(await p).toEqual(["c1", "c2"]);
    expect(logs).toContain("debug: ng reply for unknown cookie");
    expect(logs).toContain("warn: ng reply without cookie");
    expect(logs).toContain("warn: undecodable ng reply");
  });

  it("passes call refs and options with ng's dashed keys", async () => {
    const { fake, client } = setup();
    fake.responder = () => ({ result: "ok", sdp: "v=0\r\n" });
    const res = await client.answer({
      callId: "call-1",
      fromTag: "ft",
      toTag: "tt",
      sdp: "v=0\r\n",
      options: { ICE: "remove", flags: ["trust-address"] },
    });
    expect(res.sdp).toBe("v=0\r\n");
    expect({ ...fake.sent[0]?.dict }).toEqual({
      command: "answer",
      "call-id": "call-1",
      "from-tag": "ft",
      "to-tag": "tt",
      sdp: "v=0\r\n",
      ICE: "remove",
      flags: ["trust-address"],
    });
  });
});

describe("NgClient retry and timeout", () => {
  it("retries with the SAME cookie and resolves when a later attempt is answered", async () => {
    const { fake, client, logs } = setup();
    fake.responder = (_req, attempt) => (attempt === 3 ? { result: "ok", sdp: "x" } : undefined);
    const res = await client.offer({ callId: "c", fromTag: "f", sdp: "v=0" });
    expect(res.sdp).toBe("x");
    expect(fake.sent).toHaveLength(3);
    expect(new Set(fake.sent.map((r) => r.cookie)).size).toBe(1);
    expect(logs.filter((l) => l === "debug: ng retry")).toHaveLength(2);
  });

  it("rejects with NgTimeoutError after 1 + retries attempts and forgets the request", async () => {
    const { fake, client } = setup({ retries: 1 });
    const started = Date.now();
    const error = await client.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NgTimeoutError);
    expect((error as NgTimeoutError).attempts).toBe(2);
    expect((error as NgTimeoutError).command).toBe("ping");
    expect(fake.sent).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(client.pendingCount).toBe(0);
  });

  it("honours per-request timeout/retries overrides", async () => {
    const { fake, client } = setup({ timeoutMs: 5000, retries: 5 });
    await expect(client.ping({ timeoutMs: 10, retries: 0 })).rejects.toBeInstanceOf(NgTimeoutError);
    expect(fake.sent).toHaveLength(1);
  });

  it("ignores the duplicate reply of an earlier attempt after settling", async () => {
    const { fake, client, logs } = setup();
    fake.responder = (_req, attempt) => (attempt === 2 ? { result: "pong" } : undefined);
    await client.ping();
    fake.deliver(fake.sent[0]!.cookie, { result: "pong" });
    expect(logs).toContain("debug: ng reply for unknown cookie");
  });

  it("treats a throwing send like a lost datagram", async () => {
    const { fake, client, logs } = setup();
    let calls = 0;
    const realSend = fake.send.bind(fake);
    fake.send = (data) => {
      if (++calls === 1) throw new Error("EPERM");
      realSend(data);
    };
    fake.responder = () => ({ result: "pong" });
    await client.ping();
    expect(logs).toContain("warn: ng send failed");
  });
});

describe("NgClient errors and bounds", () => {
  it("turns result=error into NgError carrying error-reason", async () => {
    const { fake, client } = setup();
    fake.responder = () => ({ result: "error", "error-reason": "Unknown call-id" });
    const error = await client.delete({ callId: "nope" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NgError);
    expect((error as NgError).reason).toBe("Unknown call-id");
    expect((error as NgError).command).toBe("delete");
    expect((error as Error).message).toContain("Unknown call-id");
  });

  it("treats other results (load limit) as errors too", async () => {
    const { fake, client } = setup();
    fake.responder = () => ({ result: "load limit" });
    await expect(client.offer({ callId: "c", fromTag: "f", sdp: "v=0" })).rejects.toThrow("result load limit");
  });

  it("rejects an ok offer reply without sdp", async () => {
    const { fake, client } = setup();
    fake.responder = () => ({ result: "ok" });
    await expect(client.offer({ callId: "c", fromTag: "f", sdp: "v=0" })).rejects.toThrow("reply has no sdp");
  });

  it("logs rtpengine warnings on ok replies", async () => {
    const { fake, client, logs } = setup();
    fake.responder = () => ({ result: "ok", warning: "Unknown flag" });
    await client.blockMedia({ callId: "c", fromTag: "f" });
    expect(logs).toContain("warn: rtpengine warning");
  });

  it("refuses requests beyond maxPending without sending them", async () => {
    const { fake, client } = setup({ maxPending: 2, timeoutMs: 1000 });
    const a = client.ping();
    const b = client.ping();
    await expect(client.ping()).rejects.toBeInstanceOf(NgUnavailableError);
    expect(fake.sent).toHaveLength(2);
    for (const r of fake.sent) fake.deliver(r.cookie, { result: "pong" });
    await Promise.all([a, b]);
  });

  it("keeps at most maxInFlight requests unanswered; the others are sent in order as places free up", async () => {
    const { fake, client } = setup({ maxInFlight: 2, timeoutMs: 1000 });
    const replies = ["A", "B", "C", "D", "E"].map((callId) => client.query({ callId }));
    expect(fake.sent.map((r) => r.dict["call-id"])).toEqual(["A", "B"]);
    expect(client.inFlightCount).toBe(2);
    expect(client.pendingCount).toBe(5);
    // B answers first: C takes its place, D and E still wait.
    fake.deliver(fake.sent[1]!.cookie, { result: "ok" });
    expect(fake.sent.map((r) => r.dict["call-id"])).toEqual(["A", "B", "C"]);
    fake.responder = () => ({ result: "ok" });
    fake.deliver(fake.sent[0]!.cookie, { result: "ok" });
    fake.deliver(fake.sent[2]!.cookie, { result: "ok" });
    await Promise.all(replies);
    expect(fake.sent.map((r) => r.dict["call-id"])).toEqual(["A", "B", "C", "D", "E"]);
    expect(client.inFlightCount).toBe(0);
    expect(client.pendingCount).toBe(0);
  });

  it("a request that timed out frees its place in the window for the next one", async () => {
    const { fake, client } = setup({ maxInFlight: 1, timeoutMs: 20, retries: 0 });
    fake.responder = (request) => (request.dict["call-id"] === "lost" ? undefined : { result: "ok" });
    const lost = client.query({ callId: "lost" });
    const next = client.request("query", { "call-id": "next" }, { timeoutMs: 1000 });
    await expect(lost).rejects.toBeInstanceOf(NgTimeoutError);
    await expect(next).resolves.toMatchObject({ result: "ok" });
    expect(fake.sent.map((r) => r.dict["call-id"])).toEqual(["lost", "next"]);
    expect(client.inFlightCount).toBe(0);
  });

  it("sends urgent requests (health pings) at once, outside the window", async () => {
    const { fake, client } = setup({ maxInFlight: 1, timeoutMs: 1000 });
    const a = client.query({ callId: "A" });
    const b = client.query({ callId: "B" });
    const ping = client.ping({ urgent: true });
    expect(fake.sent.map((r) => r.dict["command"])).toEqual(["query", "ping"]);
    fake.deliver(fake.sent[1]!.cookie, { result: "pong" });
    await ping;
    // The ping's reply did not free A's place: B still waits for A.
    expect(fake.sent).toHaveLength(2);
    fake.responder = () => ({ result: "ok" });
    fake.deliver(fake.sent[0]!.cookie, { result: "ok" });
    await Promise.all([a, b]);
    expect(fake.sent.map((r) => r.dict["call-id"] ?? r.dict["command"])).toEqual(["A", "ping", "B"]);
  });

  it("refuses, unsent, a queued request that waited its whole retry budget behind unanswered ones", async () => {
    const { fake, client } = setup({ maxInFlight: 1, timeoutMs: 20, retries: 1 });
    const stuck = client.query({ callId: "stuck" });
    // Its own budget (5 ms) runs out long before the stuck request's two 20 ms attempts do.
    const behind = client.request("query", { "call-id": "behind" }, { timeoutMs: 5, retries: 0 });
    await expect(stuck).rejects.toBeInstanceOf(NgTimeoutError);
    await expect(behind).rejects.toBeInstanceOf(NgUnavailableError);
    expect(fake.sent.map((r) => r.dict["call-id"])).toEqual(["stuck", "stuck"]);
    // The window is free again: the next request goes out.
    fake.responder = () => ({ result: "ok" });
    await client.query({ callId: "after" });
    expect(client.inFlightCount).toBe(0);
    expect(client.pendingCount).toBe(0);
  });

  it("ignores a reply for a request still queued (never sent): it cannot be its answer", async () => {
    const { fake, client } = setup({ maxInFlight: 1, timeoutMs: 1000 });
    const first = client.ping();
    const second = client.ping();
    const firstCookie = fake.sent[0]!.cookie;
    // The queued request's cookie is the next in sequence after the first one's.
    const queuedCookie = firstCookie.slice(0, 8) + (parseInt(firstCookie.slice(8), 36) + 1).toString(36);
    fake.deliver(queuedCookie, { result: "pong" });
    expect(client.inFlightCount).toBe(1);
    expect(fake.sent).toHaveLength(1);
    fake.responder = () => ({ result: "pong" });
    fake.deliver(firstCookie, { result: "pong" });
    await Promise.all([first, second]);
    expect(fake.sent.map((r) => r.cookie)).toEqual([firstCookie, queuedCookie]);
  });

  it("close() rejects queued requests too, without sending them", async () => {
    const { fake, client } = setup({ maxInFlight: 1, timeoutMs: 1000 });
    const a = client.ping();
    const b = client.ping();
    client.close();
    await expect(a).rejects.toBeInstanceOf(NgUnavailableError);
    await expect(b).rejects.toBeInstanceOf(NgUnavailableError);
    expect(fake.sent).toHaveLength(1);
    expect(client.pendingCount).toBe(0);
  });

  it("close() rejects everything in flight, closes the transport and refuses new requests", async () => {
    const { fake, client } = setup({ timeoutMs: 1000 });
    const p = client.ping();
    client.close();
    await expect(p).rejects.toBeInstanceOf(NgUnavailableError);
    await expect(client.ping()).rejects.toThrow("closed");
    expect(fake.closed).toBe(true);
    expect(client.pendingCount).toBe(0);
  });

  it("logs socket errors instead of crashing", () => {
    const { fake, logs } = setup();
    fake.emitError(new Error("boom"));
    expect(logs).toContain("warn: ng socket error");
  });
});

describe("NgClient typed commands", () => {
  it("builds each command's dictionary", async () => {
    const { fake, client } = setup();
    fake.responder = (req) => {
      switch (req.dict["command"]) {
        case "play media":
          return { result: "ok", duration: 6539 };
        case "statistics":
          return { result: "ok", statistics: { currentstatistics: { sessionsown: 0 } } };
        case "list":
          return { result: "ok", calls: ["a", 7] };
        default:
          return { result: "ok" };
      }
    };
    const ref = { callId: "c", fromTag: "trunk" };
    expect((await client.playMedia({ ...ref, source: { file: "/x.wav" }, repeatTimes: 3 })).durationMs).toBe(6539);
    await client.playMedia({ ...ref, source: { blob: Buffer.from("RIFF") } });
    await client.stopMedia(ref);
    await client.blockMedia(ref);
    await client.unblockMedia(ref);
    await client.silenceMedia(ref);
    await client.unsilenceMedia(ref);
    await client.playDTMF({ ...ref, code: "5", durationMs: 100 });
    await client.startRecording(ref);
    await client.stopRecording(ref);
    expect(await client.list(5)).toEqual(["a"]);
    expect(await client.statistics()).toEqual({ currentstatistics: { sessionsown: 0 } });
    const dicts = fake.sent.map((r) => ({ ...r.dict }));
    expect(dicts.map((d) => d["command"])).toEqual([
      "play media",
      "play media",
      "stop media",
      "block media",
      "unblock media",
      "silence media",
      "unsilence media",
      "play DTMF",
      "start recording",
      "stop recording",
      "list",
      "statistics",
    ]);
    expect(dicts[0]).toEqual({
      command: "play media",
      "call-id": "c",
      "from-tag": "trunk",
      file: "/x.wav",
      "repeat-times": 3,
    });
    expect(fake.sent[1]?.dict["blob"]).toBe("RIFF");
    expect(dicts[7]).toMatchObject({ code: "5", duration: 100 });
    expect(dicts[10]).toMatchObject({ limit: 5 });
  });
});
