/**
 * The operators' desk sockets (server/realtime) -> the queue engine and the call sessions: opening the desk logs the
 * operator in (not ready), closing it disconnects, status requests pause or resume, the desk reads its state, and
 * asks for hold, keypad digits and transfers of its current call ({@link deskCallHandlers}).
 */
import { z } from "zod";
import type { TransferTargetOption } from "../realtime/events";
import type { DeskCallHandlers, DeskHooks, RealtimeServer } from "../realtime/socket-server";
import type { DeskHoursPush } from "../hours/hours-desk";
import type { OutboundCalls } from "../outbound/outbound-calls";
import type { CallController } from "./call-controller";
import { DTMF_DIGIT } from "./session/session-ports";
import type { RestoredOperatorStates } from "./call-records";
import type { EngineConfig } from "./engine-config";

export function deskHooks(
  controller: CallController,
  config: Pick<EngineConfig, "isPauseReason">,
  callRequests?: DeskCallHandlers,
  /** After a takeover (active/standby): operators' states on the node that died, used once per operator. */
  restoring: RestoredOperatorStates = new Map(),
): DeskHooks {
  return {
    callRequests,
    connected: (userId, returning) => {
      const operatorId = String(userId);
      controller.dispatch({ type: "operator-logged-in", operatorId });
      // Back within the logout grace (a reload, a blip): the state they had stays (OPERATOR_LOGOUT_GRACE_S).
      if (returning) return void controller.dispatch({ type: "socket-connected", operatorId });
      // Opening the desk is not being ready: the operator says so with "available". Requested
      // before the socket counts as connected, because the softphone may have registered
      // already and the operator would otherwise be offered a call at once. After a takeover,
      // the operator's state on the old node comes back instead (working states as available).
      const restored = restoring.get(userId);
      restoring.delete(userId);
      if (restored !== undefined && restored.status !== "paused") controller.dispatch({ type: "resume-requested", operatorId });
      else controller.dispatch({ type: "pause-requested", operatorId, reason: restored?.reason ?? "not-ready" });
      controller.dispatch({ type: "socket-connected", operatorId });
    },
    disconnected: (userId) => controller.dispatch({ type: "socket-disconnected", operatorId: String(userId) }),
    loggedOut: (userId) => controller.dispatch({ type: "operator-logged-out", operatorId: String(userId) }),
    setStatus: (userId, request) => {
      const operatorId = String(userId);
      if (request.status === "paused" && !config.isPauseReason(request.reason)) return { ok: false, error: "unknown pause reason" };
      controller.dispatch(
        request.status === "available" ? { type: "resume-requested", operatorId } : { type: "pause-requested", operatorId, reason: request.reason },
      );
      return { ok: true };
    },
    state: (userId) => controller.operatorState(userId),
    allStates: () => controller.allOperatorStates(),
  };
}

const targetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("queue"), queueId: z.number().int().positive() }),
  z.object({ kind: z.literal("operator"), userId: z.number().int().positive() }),
  z.object({ kind: z.literal("contact"), contactId: z.number().int().positive() }),
  z.object({ kind: z.literal("number"), number: z.string().trim().min(1).max(32) }),
]);

const callRequestSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("hold") }),
  z.object({ action: z.literal("resume") }),
  z.object({ action: z.literal("dtmf"), digit: z.string().regex(DTMF_DIGIT) }),
  z.object({ action: z.literal("transfer"), target: targetSchema }),
  z.object({ action: z.literal("consult"), target: targetSchema }),
  z.object({ action: z.literal("consult-complete") }),
  z.object({ action: z.literal("consult-cancel") }),
]);

/** The directory as the transfer panel needs it (server/directory): contacts with a number to call. */
export interface DirectoryPort {
  /** Contacts with at least one phone number, for the list (name, first dialable phone). */
  contacts(): Promise<Array<{ id: number; name: string; phone: string }>>;
  /** The first dialable phone number of a contact, or undefined (unknown contact, only SIP URIs). */
  phoneOf(contactId: number): Promise<string | undefined>;
}

/** Contacts listed in the transfer panel at most (the rest are reached by typing their number). */
export const MAX_LISTED_CONTACTS = 200;

/**
 * The desk's requests about the operator's current call: validated here (zod), then carried out by the call's
 * session. External targets (a directory contact, a typed number) go through the trunk
 * ({@link CallController.transferExternal}, allow-list first); without a directory or trunk they are refused.
 */
export function deskCallHandlers(
  controller: Pick<CallController, "callRequest" | "allOperatorStates"> & Partial<Pick<CallController, "transferExternal" | "consultExternal" | "consultOperator" | "consultQueue">>,
  config: Pick<EngineConfig, "queues">,
  operatorName: (userId: number) => string | undefined,
  directory?: DirectoryPort,
): DeskCallHandlers {
  return {
    request: (userId, raw) => {
      const parsed = callRequestSchema.safeParse(raw);
      if (!parsed.success) return { ok: false, error: "invalid request" };
      const request = parsed.data;
      if (request.action !== "transfer" && request.action !== "consult") return controller.callRequest(userId, request);
      const { target } = request;
      if (request.action === "consult") {
        // Consultation reaches colleagues, a queue's next free operator, and external numbers through the trunk.
        if (target.kind === "operator" || target.kind === "queue") {
          if (!controller.consultOperator || !controller.consultQueue) return { ok: false, error: "consult-unavailable" };
          return target.kind === "operator" ? controller.consultOperator(userId, target.userId) : controller.consultQueue(userId, target.queueId);
        }
        const consult = controller.consultExternal?.bind(controller);
        if (!consult) return { ok: false, error: "consult-unavailable" };
        if (target.kind === "number") return consult(userId, target.number);
        if (!directory) return { ok: false, error: "external-transfer-unavailable" };
        return directory.phoneOf(target.contactId).then((phone) => (phone ? consult(userId, phone) : { ok: false as const, error: "number-not-allowed" as const }));
      }
      if (target.kind === "queue") return controller.callRequest(userId, { action: "transfer", to: { queueId: target.queueId } });
      if (target.kind === "operator") return controller.callRequest(userId, { action: "transfer", to: { operatorId: target.userId } });
      const external = controller.transferExternal?.bind(controller);
      if (!external) return { ok: false, error: "external-transfer-unavailable" };
      if (target.kind === "number") return external(userId, target.number);
      if (!directory) return { ok: false, error: "external-transfer-unavailable" };
      return directory.phoneOf(target.contactId).then((phone) => (phone ? external(userId, phone) : { ok: false as const, error: "number-not-allowed" as const }));
    },
    transferTargets: async (userId) => [
      ...config.queues().map((q): TransferTargetOption => ({ target: { kind: "queue", queueId: q.id }, label: q.name })),
      ...controller
        .allOperatorStates()
        .filter((op) => op.userId !== userId && op.status !== "offline")
        .map((op): TransferTargetOption => ({ target: { kind: "operator", userId: op.userId }, label: operatorName(op.userId) ?? `#${op.userId}`, status: op.status })),
      ...(await (directory?.contacts() ?? Promise.resolve([])))
        .slice(0, MAX_LISTED_CONTACTS)
        .map((c): TransferTargetOption => ({ target: { kind: "contact", contactId: c.id }, label: `${c.name} (${c.phone})` })),
    ],
  };
}

/**
 * Gives the realtime server its desk hooks ({@link deskHooks} with {@link deskCallHandlers}): the desk's status and
 * call requests, the hours of the operator's queues (`deskHours`), and no return to `available` while the operator is
 * on an outbound call (the engine would offer a queue call; refused with `on an outbound call`).
 */
export function wireDesks(args: {
  realtime: Pick<RealtimeServer, "setDeskHooks">;
  controller: CallController;
  engineConfig: EngineConfig;
  directory: DirectoryPort;
  /** After a takeover: operators' states on the node that died (see {@link deskHooks}). */
  restoring: RestoredOperatorStates;
  deskHours: Pick<DeskHoursPush, "view">;
  outbound: Pick<OutboundCalls, "isOnCall">;
}): void {
  const { controller, engineConfig, outbound } = args;
  const callRequests = deskCallHandlers(controller, engineConfig, (userId) => engineConfig.operatorName(userId), args.directory);
  const hooks = deskHooks(controller, engineConfig, callRequests, args.restoring);
  args.realtime.setDeskHooks({
    ...hooks,
    hours: (userId) => args.deskHours.view(userId),
    setStatus: (userId, request) =>
      request.status === "available" && outbound.isOnCall(userId) ? { ok: false, error: "on an outbound call" } : hooks.setStatus(userId, request),
  });
}
