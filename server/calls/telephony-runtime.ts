/**
 * Starts the call side of the process, wiring only: recorded audio (server/recordings), the media relays
 * (media-runtime.ts), the call controller, the hours (server/hours), the engine's inputs and displays
 * (engine-wiring.ts), SIP (server/telephony/sip-wiring.ts), outbound calls and callbacks (server/outbound), the desks
 * (desk-bridge.ts) and listen/whisper (server/monitoring).
 */
import { transferDirectory } from "../directory/directory-service";
import { startHours, type HoursWiring } from "../hours/hours-wiring";
import { startMonitoring } from "../monitoring/monitoring-wiring";
import type { OutboundCalls } from "../outbound/outbound-calls";
import { startOutbound } from "../outbound/outbound-wiring";
import { recordedAudio } from "../recordings/recordings-wiring";
import { sipAddresses, startSip } from "../telephony/sip-wiring";
import { CallController } from "./call-controller";
import { controllerDeps } from "./controller-config";
import { wireDesks } from "./desk-bridge";
import { startEngineInputs, type EngineWiring } from "./engine-wiring";
import { reportMedia, startMedia } from "./media-runtime";
import type { Telephony, TelephonyArgs } from "./telephony-types";

export type { Telephony, TelephonyArgs } from "./telephony-types";

export async function startTelephony(args: TelephonyArgs): Promise<Telephony> {
  const { config, database, clock, logger, realtime } = args;
  const audio = recordedAudio({ config, database, clock, logger, writeCall: (id, patch) => controller.records.writeCall(id, patch) });
  const media = await startMedia(config, config.MEDIA_ADDRESS ?? sipAddresses(config).advertised, args.health, logger, { recordingSpoolDir: audio.spoolDir });
  await audio.start();
  // The controller, the engine's inputs and the hours refer to each other: each reads the others lazily.
  // eslint-disable-next-line prefer-const -- see above
  let engine: EngineWiring, hours: HoursWiring;
  const controller = new CallController(
    controllerDeps({ config, database, clock, logger, media, realtime, engine: () => engine.config, hours: () => hours, ...audio.forCalls }),
  );
  hours = startHours({ config, clock, logger, dispatch: (event) => controller.dispatch(event), promptsChanged: () => media.promptsChanged() });
  reportMedia(media, controller);
  engine = startEngineInputs({ config, database, clock, logger, realtime, controller, hours });
  const restoring = await engine.load(args.takeover);
  // Outbound calls: built once the B2BUA runs; its registrar's events reach them through this slot.
  const slot: { outbound?: OutboundCalls } = {};
  const sip = await startSip({
    ...args,
    handler: controller,
    activeCalls: () => controller.activeCalls,
    now: () => clock.now(),
    registrarEvents: engine.registrarEvents((userId) => slot.outbound?.operatorGone(userId)),
  });
  controller.attach(sip.b2bua);
  const operatorName = (userId: number) => engine.config.operatorName(userId);
  const { outbound, callbacks } = startOutbound({ config, database, b2bua: sip.b2bua, controller, pool: media.pool, clock, logger, operatorName });
  slot.outbound = outbound;
  wireDesks({ realtime, controller, engineConfig: engine.config, directory: transferDirectory(database.db), restoring, deskHours: engine.deskHours, outbound });
  const monitoring = startMonitoring({ controller, pool: media.pool, realtime, clock, logger, showListening: config.MONITOR_SHOW_LISTENING });
  return {
    controller,
    outbound,
    callbacks,
    b2bua: sip.b2bua,
    pool: media.pool,
    board: engine.board,
    hours: hours.runtime,
    recordings: audio.recordings,
    syncQueues: () => engine.config.sync(),
    dropUser: (userId) => sip.b2bua.registrar.dropUser(userId),
    stop: async () => {
      sip.closeWebSockets();
      engine.stop();
      outbound.close();
      await monitoring.close();
      await controller.close();
      engine.board.stop();
      hours.runtime.stop();
      await sip.close();
      await media.stop();
      await audio.stop();
    },
  };
}
