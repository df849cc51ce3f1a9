/** Builds {@link OutboundCalls} from the running call side (kept out of telephony-runtime.ts: one hook line there). */
import type { Database } from "../../db/client";
import type { CallController } from "../calls/call-controller";
import type { Clock } from "../clock";
import type { Config } from "../config/config";
import type { Logger } from "../logger";
import type { MediaPool } from "../media";
import type { B2bua } from "../telephony/b2bua";
import { CallbackService } from "../callbacks/callback-service";
import { OutboundCalls } from "./outbound-calls";
import { OutboundPolicy } from "./outbound-policy";
import { trunkRoute } from "./trunk-route";

export function startOutbound(args: {
  config: Config;
  database: Database;
  b2bua: B2bua;
  controller: CallController;
  pool: MediaPool;
  clock: Clock;
  logger: Logger;
  /** Operators' names, shown on a colleague's desk during a consultation. */
  operatorName?: (userId: number) => string | undefined;
}): { outbound: OutboundCalls; callbacks: CallbackService } {
  const { config, database, b2bua, controller, pool, clock, logger } = args;
  const route = trunkRoute(config);
  if (!route) logger.info("no TRUNK_REGISTRAR or TRUNK_OUTBOUND_PROXY: outbound calls are refused");
  const callbacks = new CallbackService(database.db, () => clock.now());
  const outbound = new OutboundCalls({
    b2bua,
    route,
    policy: new OutboundPolicy(database.db, route?.accountUser),
    records: controller.records,
    media: { acquire: (callId) => pool.acquire(callId).client, release: (callId) => pool.release(callId) },
    engine: {
      state: (userId) => controller.operatorState(userId),
      dispatch: (event) => controller.dispatch(event),
      outboundCallEnded: (userId, callId, queueId) => controller.outboundCallEnded(userId, callId, queueId),
    },
    callbacks,
    consults: { claim: (callId, operatorId) => controller.claimConsult(callId, operatorId) },
    colleagues: {
      leg: (userId) => {
        const binding = b2bua.registrar.binding(userId);
        return binding && b2bua.createOperatorLeg(binding);
      },
      name: (userId) => args.operatorName?.(userId),
    },
    now: () => clock.now(),
    logger,
  });
  b2bua.setOutboundHandler(outbound);
  // A provider may challenge our re-INVITEs (a completed consultation, hold): answered with the same account.
  b2bua.setTrunkCredentials(route?.credentials);
  // Blind transfers to external numbers go out the same way, under the same allow-list.
  if (route) controller.externalDialler = outbound.externalDialler();
  return { outbound, callbacks };
}
