import { describe, expect, it } from "vitest";
import { LoopbackCheckError, LoopbackChecks } from "../../../server/media/loopback-check";
import type { MediaPool } from "../../../server/media";

/** A pool over one fake rtpengine that remembers the sessions it holds. */
function fakePool() {
  const sessions = new Set<string>();
  const calls: string[] = [];
  const client = {
    async offer({ callId, sdp }: { callId: string; sdp: string }) {
      calls.push(`offer ${callId}`);
      sessions.add(callId);
      return { sdp: `${sdp}a=relayed\r\n`, reply: {} };
    },
    async answer({ callId, sdp }: { callId: string; sdp: string }) {
      calls.push(`answer ${callId}`);
      return { sdp: `${sdp}a=relayed\r\n`, reply: {} };
    },
    async delete({ callId }: { callId: string }) {
      calls.push(`delete ${callId}`);
      sessions.delete(callId);
      return {};
    },
  };
  const assigned = new Set<string>();
  const pool = {
    acquire: (callId: string) => (assigned.add(callId), { client }),
    get: (callId: string) => (assigned.has(callId) ? { client } : undefined),
    release: (callId: string) => void assigned.delete(callId),
  } as unknown as MediaPool;
  return { pool, sessions, calls, assigned };
}

const SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n";

describe("LoopbackChecks", () => {
  it("relays both steps on one rtpengine session and deletes it at the end", async () => {
    const { pool, sessions, assigned } = fakePool();
    const checks = new LoopbackChecks(pool);
    expect(await checks.offer(7, SDP)).toContain("a=relayed");
    expect(await checks.answer(7, SDP)).toContain("a=relayed");
    expect(sessions.size).toBe(1);
    await checks.end(7);
    expect(sessions.size).toBe(0);
    expect(assigned.size).toBe(0);
    expect(checks.size).toBe(0);
  });

  it("keeps one session per operator: a new check replaces the old one", async () => {
    const { pool, sessions } = fakePool();
    const checks = new LoopbackChecks(pool);
    await checks.offer(7, SDP);
    await checks.offer(7, SDP);
    await checks.offer(8, SDP);
    expect(sessions.size).toBe(2);
    await checks.close();
    expect(sessions.size).toBe(0);
  });

  it("deletes a session the browser never ends once its time is up", async () => {
    const { pool, sessions } = fakePool();
    const checks = new LoopbackChecks(pool, 20);
    await checks.offer(7, SDP);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sessions.size).toBe(0);
    expect(checks.size).toBe(0);
  });

  it("refuses what is not SDP and an answer without an offer, holding nothing", async () => {
    const { pool, sessions } = fakePool();
    const checks = new LoopbackChecks(pool);
    await expect(checks.offer(7, "hello")).rejects.toBeInstanceOf(LoopbackCheckError);
    await expect(checks.offer(7, `v=0\r\n${"a=x\r\n".repeat(5000)}`)).rejects.toBeInstanceOf(LoopbackCheckError);
    await expect(checks.answer(7, SDP)).rejects.toBeInstanceOf(LoopbackCheckError);
    expect(sessions.size).toBe(0);
  });
});
