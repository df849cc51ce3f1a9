/**
 * A call controller on the real queue engine with fake legs, fake media and in-memory records: two queues (1 sales on
 * number 100, 2 support on 200) and three operators (1 in sales, 2 in support, 3 in both).
 */
import { CallController, type RoutedNumber } from "../../../server/calls/call-controller";
import type { RecordedCall } from "../../../server/recordings/recording-service";
import { silentLogger } from "../../../server/logger";
import type { HoursRoute } from "../../../server/hours/hours-runtime";
import type { OperatorStateView } from "../../../server/realtime/events";
import { FakeLegSource, FakeMedia, FakeTrunk, MemoryRecordStore, settle } from "./call-fakes";

export interface Rig {
  controller: CallController;
  legs: FakeLegSource;
  store: MemoryRecordStore;
  media: Map<string, FakeMedia>;
  views: Map<number, OperatorStateView>;
  clock: { t: number; now(): number };
  /** Recorded calls handed over for storage (number 300: sales, recorded, kept 7 days). */
  recorded: RecordedCall[];
  /** A caller dials the sales number (queue 1), the support number (queue 2) or the recorded sales number (300). */
  call(number?: "100" | "200" | "300"): Promise<{ trunk: FakeTrunk; callId: string }>;
  ready(...userIds: number[]): void;
}

/** `hours`: what the numbers' hours say (server/hours), by dialled number. */
export function rig(hours: Record<string, HoursRoute> = {}): Rig {
  const clock = { t: 1_000_000, now: () => clock.t };
  const store = new MemoryRecordStore();
  const media = new Map<string, FakeMedia>();
  const views = new Map<number, OperatorStateView>();
  const legs = new FakeLegSource();
  const routes: Record<string, RoutedNumber> = {
    "100": { numberId: 1, queueId: 1, queueName: "sales", slThresholdS: 20, shortAbandonS: 5 },
    "200": { numberId: 2, queueId: 2, queueName: "support", slThresholdS: 20, shortAbandonS: 5 },
    "300": { numberId: 3, queueId: 1, queueName: "sales", slThresholdS: 20, shortAbandonS: 5, recording: { samplePct: 100, retentionDays: 7 } },
  };
  const recorded: RecordedCall[] = [];
  const controller = new CallController({
    db: undefined as never,
    recordStore: store,
    clock,
    logger: silentLogger,
    media: (callId) => {
      const m = new FakeMedia(callId);
      media.set(callId, m);
      return m;
    },
    routeNumber: (dialed) => (routes[dialed] && hours[dialed] ? { ...routes[dialed], hours: hours[dialed] } : routes[dialed]),
    publishOperatorState: (userId, view) => views.set(userId, view),
    alertSupervisors: () => {},
    soundDurationMs: () => 1_000,
    queueName: (id) => (id === 1 ? "sales" : id === 2 ? "support" : undefined),
    recordings: { callEnded: (call) => recorded.push(call) },
  });
  controller.attach(legs);
  controller.dispatch({ type: "queue-configured", settings: { id: "1", ringTimeoutMs: 15_000, retryDelayMs: 0, wrapUpMs: 5_000 } });
  controller.dispatch({ type: "queue-configured", settings: { id: "2", ringTimeoutMs: 15_000, retryDelayMs: 0, wrapUpMs: 0 } });
  for (const [id, queues] of [[1, ["1"]], [2, ["2"]], [3, ["1", "2"]]] as const) {
    controller.dispatch({ type: "operator-configured", operatorId: String(id), memberships: queues.map((queueId) => ({ queueId })) });
  }
  return {
    controller,
    legs,
    store,
    media,
    views,
    clock,
    recorded,
    ready: (...userIds) => {
      for (const userId of userIds) {
        legs.registered.add(userId);
        for (const type of ["operator-logged-in", "socket-connected", "sip-registered"] as const) controller.dispatch({ type, operatorId: String(userId) });
      }
    },
    call: async (number = "100") => {
      const trunk = new FakeTrunk(`+33${Math.floor(Math.random() * 1e8)}`, number);
      controller.onInboundCall(trunk.asTrunkLeg());
      await settle();
      const callId = [...media.keys()].at(-1)!;
      return { trunk, callId };
    },
  };
}

