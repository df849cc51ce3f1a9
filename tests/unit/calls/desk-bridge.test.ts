import { describe, expect, it } from "vitest";
import type { CallRequest } from "../../../server/calls/call-controller";
import { deskCallHandlers } from "../../../server/calls/desk-bridge";

describe("desk call requests", () => {
  const seen: Array<[number, CallRequest]> = [];
  const handlers = deskCallHandlers(
    {
      callRequest: (userId, request) => {
        seen.push([userId, request]);
        return { ok: true };
      },
      allOperatorStates: () => [
        { userId: 1, status: "on-call", since: 0, presence: { loggedIn: true, socketConnected: true, sipRegistered: true } },
        { userId: 2, status: "available", since: 0, presence: { loggedIn: true, socketConnected: true, sipRegistered: true } },
        { userId: 3, status: "offline", since: 0, presence: { loggedIn: false, socketConnected: false, sipRegistered: false } },
      ],
    },
    { queues: () => [{ id: 4, name: "Support" }] },
    (userId) => (userId === 2 ? "Bilal" : undefined),
  );

  it("passes valid requests on and refuses malformed ones and outside targets", () => {
    expect(handlers.request(1, { action: "hold" })).toEqual({ ok: true });
    expect(handlers.request(1, { action: "dtmf", digit: "#" })).toEqual({ ok: true });
    expect(handlers.request(1, { action: "transfer", target: { kind: "operator", userId: 2 } })).toEqual({ ok: true });
    expect(seen.at(-1)).toEqual([1, { action: "transfer", to: { operatorId: 2 } }]);
    for (const bad of [{ action: "dtmf", digit: "55" }, { action: "explode" }, "hold", { action: "transfer", target: { kind: "queue", queueId: -1 } }]) {
      expect(handlers.request(1, bad)).toEqual({ ok: false, error: "invalid request" });
    }
    expect(handlers.request(1, { action: "transfer", target: { kind: "number", number: "0612345678" } })).toEqual({ ok: false, error: "external-transfer-unavailable" });
    expect(seen).toHaveLength(3);
  });

  it("offers queues and the colleagues who are online, not the operator themselves", async () => {
    expect(await handlers.transferTargets(1)).toEqual([
      { target: { kind: "queue", queueId: 4 }, label: "Support" },
      { target: { kind: "operator", userId: 2 }, label: "Bilal", status: "available" },
    ]);
  });

  it("sends typed numbers and directory contacts to the external transfer, and lists contacts", async () => {
    const external: Array<[number, string]> = [];
    const withTrunk = deskCallHandlers(
      {
        callRequest: () => ({ ok: true }),
        allOperatorStates: () => [],
        transferExternal: async (userId, number) => {
          external.push([userId, number]);
          return { ok: true };
        },
      },
      { queues: () => [] },
      () => undefined,
      { contacts: async () => [{ id: 9, name: "Legal", phone: "0140000000" }], phoneOf: async (id) => (id === 9 ? "0140000000" : undefined) },
    );
    expect(await withTrunk.request(1, { action: "transfer", target: { kind: "number", number: "0612345678" } })).toEqual({ ok: true });
    expect(await withTrunk.request(1, { action: "transfer", target: { kind: "contact", contactId: 9 } })).toEqual({ ok: true });
    expect(await withTrunk.request(1, { action: "transfer", target: { kind: "contact", contactId: 10 } })).toEqual({ ok: false, error: "number-not-allowed" });
    expect(external).toEqual([
      [1, "0612345678"],
      [1, "0140000000"],
    ]);
    expect(await withTrunk.transferTargets(1)).toEqual([{ target: { kind: "contact", contactId: 9 }, label: "Legal (0140000000)" }]);
  });
});
