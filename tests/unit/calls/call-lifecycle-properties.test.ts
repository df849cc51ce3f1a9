/**
 * Property: whatever operators and callers do (answer, decline, hold, resume, keypad, blind transfers to queues and
 * to colleagues, hang-ups from either side, dropped connections, time passing), no caller is lost (a caller whose
 * leg is up always has a live session), and once every caller has hung up no session, no leg and no media session
 * (rtpengine) is left behind. Real queue engine and controller; fake legs and media.
 */
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeMedia, type FakeTrunk, settle } from "./call-fakes";
import { rig } from "./call-rig";

type Action = { kind: number; a: number; b: number; dt: number };
const actionArb: fc.Arbitrary<Action> = fc.record({
  kind: fc.integer({ min: 0, max: 13 }),
  a: fc.nat(),
  b: fc.nat(),
  dt: fc.integer({ min: 0, max: 20_000 }),
});

describe("call lifecycle properties", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeMedia.open.clear();
  });
  afterEach(() => vi.useRealTimers());

  it("no sequence of transfer, hold and hang-up events loses a caller or leaves a leg or a media session behind", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 60 }), async (actions) => {
        FakeMedia.open.clear();
        const r = rig();
        r.ready(1, 2, 3);
        const trunks: Array<{ trunk: FakeTrunk; callId: string }> = [];
        const pick = <T>(list: readonly T[], n: number): T | undefined => list[n % Math.max(1, list.length)];
        const advance = async (ms: number) => {
          r.clock.t += ms;
          await vi.advanceTimersByTimeAsync(ms);
          await settle();
        };
        const check = () => {
          for (const { trunk, callId } of trunks) {
            if (trunk.ended) continue;
            const session = r.controller.session(callId);
            expect(session, `caller ${callId} lost`).toBeDefined();
            expect(session!.finished).toBe(false);
          }
          for (const leg of r.legs.legs) {
            // A connected leg belongs to exactly the session that talks through it.
            if (leg.state === "answered" || leg.state === "held") {
              const owner = trunks.map(({ callId }) => r.controller.session(callId)).find((s) => s?.operator === leg);
              expect(owner, `leg of operator ${leg.operatorId} left connected to nothing`).toBeDefined();
            }
          }
        };
        for (const action of actions) {
          const operatorId = 1 + (action.a % 3);
          const live = r.legs.legs.filter((leg) => !leg.ended);
          switch (action.kind) {
            case 0:
            case 1:
              trunks.push(await r.call(action.b % 2 === 0 ? "100" : "200"));
              break;
            case 2:
              pick(live.filter((l) => l.state === "inviting"), action.b)?.answer();
              break;
            case 3:
              pick(live.filter((l) => l.state === "inviting"), action.b)?.decline(action.b % 2 === 0 ? 486 : 408);
              break;
            case 4:
              r.controller.callRequest(operatorId, { action: action.b % 2 === 0 ? "hold" : "resume" });
              break;
            case 5:
              r.controller.callRequest(operatorId, { action: "dtmf", digit: "123456789*#0"[action.b % 12]! });
              break;
            case 6:
              r.controller.callRequest(operatorId, { action: "transfer", to: { queueId: 1 + (action.b % 3) } });
              break;
            case 7:
              r.controller.callRequest(operatorId, { action: "transfer", to: { operatorId: 1 + (action.b % 3) } });
              break;
            case 8:
              pick(live.filter((l) => l.state === "answered" || l.state === "held"), action.b)?.drop(action.b % 2 === 0 ? "bye" : "transport-error");
              break;
            case 9:
              pick(trunks.filter(({ trunk }) => !trunk.ended), action.b)?.trunk.bye();
              break;
            case 10:
              pick(trunks.filter(({ trunk }) => !trunk.ended), action.b)?.trunk.fire("hold", action.b % 2 === 0);
              break;
            case 11:
              r.controller.dispatch({ type: "resume-requested", operatorId: String(operatorId) });
              break;
            default:
              await advance(action.dt);
          }
          await settle();
          check();
        }
        for (const { trunk } of trunks) trunk.bye();
        await advance(60_000);
        expect(r.controller.activeCalls).toBe(0);
        expect(r.controller.engine.state.calls.size).toBe(0);
        expect(FakeMedia.open.size, "media sessions left in rtpengine").toBe(0);
        expect(r.legs.legs.filter((leg) => !leg.ended).map((leg) => `${leg.operatorId}:${leg.state}`)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
