/**
 * The call path's media relays: rtpengine as a supervised child (or the external instances of RTPENGINE_URLS) in
 * one pool, rtpengine's media-timeout reports (XML-RPC listener), the health entry, the sound lengths, and the
 * factory of each call's {@link CallMedia} (a {@link MediaBridge} on the instance the pool picks).
 */
import { statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config/config";
import type { HealthRegistry } from "../health";
import type { Logger } from "../logger";
import { DtmfListener, ExternalRtpengine, MediaPool, RtpengineSupervisor, type MediaInstance } from "../media";
import { PlaybackSounds } from "../media/playback-sounds";
import { MediaTimeoutListener } from "../media/timeout-listener";
import { ALL_SOUNDS, type CallMediaFactory, type Sound } from "./call-media";
import { MediaBridge } from "./media-bridge";

/** What a running call path learns from its media relays. */
export interface MediaEvents {
  /** rtpengine saw no media for the call within its timeout (by call record id). */
  timedOut(callId: string): void;
  /** The instance holding the call died or restarted. */
  lost(callId: string): void;
  /** A party of the call sent a digit as RFC 4733 events (rtpengine's DTMF log). */
  dtmf(callId: string, digit: string, sourceTag: string | undefined): void;
}

export interface MediaRuntime {
  pool: MediaPool;
  factory: CallMediaFactory;
  soundDurationMs(sound: Sound): number;
  /** Where media failures are reported (set once the controller exists). */
  events: MediaEvents;
  /** Prompt files were replaced or added (the prompt catalogue rescanned): their playback copies are checked again. */
  promptsChanged(): void;
  stop(): Promise<void>;
}

/** The media relays' reports go to `to` (the call controller, once it exists), by call record id. */
export function reportMedia(media: MediaRuntime, to: { mediaTimedOut(callId: string): void; mediaLost(callId: string): void; callerDtmf: MediaEvents["dtmf"] }): void {
  media.events.timedOut = (callId) => to.mediaTimedOut(callId);
  media.events.lost = (callId) => to.mediaLost(callId);
  media.events.dtmf = (callId, digit, sourceTag) => to.callerDtmf(callId, digit, sourceTag);
}

/** `recordingSpoolDir`: rtpengine's `--recording-dir` (server/recordings), created here; none disables recording. */
export async function startMedia(
  config: Config,
  mediaAddress: string,
  health: HealthRegistry,
  logger: Logger,
  options: { recordingSpoolDir?: string } = {},
): Promise<MediaRuntime> {
  if (options.recordingSpoolDir) await mkdir(options.recordingSpoolDir, { recursive: true, mode: 0o700 });
  const soundsDir = path.resolve(config.SOUNDS_DIR);
  const events: MediaEvents = { timedOut: () => {}, lost: () => {}, dtmf: () => {} };
  // Set once started (a timeout report cannot come before rtpengine runs).
  const current: { pool?: MediaPool } = {};
  // rtpengine reports media timeouts here (XML-RPC, see MediaTimeoutListener); the controller ends those calls.
  const timeouts = await MediaTimeoutListener.listen({
    host: "127.0.0.1",
    logger,
    onTimeout: (callId) => {
      // A late report from an instance the call has since left (it was unreachable, then came back with the old
      // session) must not end the call: if the call's current instance still has its session, the report is stale.
      const instance = current.pool?.get(callId);
      if (!instance) return events.timedOut(callId);
      instance.client.query({ callId }).then(
        () => logger.info("stale media timeout ignored: the call lives on", { callId, instance: instance.id }),
        () => events.timedOut(callId),
      );
    },
  });
  // Callers' RFC 4733 digits (the caller menu): the supervised rtpengine logs each one here. The operator's keypad
  // digits toward the caller are logged too; only the caller's reach the call (the session ignores digits after its menu).
  const dtmf = await DtmfListener.listen({ host: "127.0.0.1", logger, onDigit: (event) => events.dtmf(event.callId, event.digit, event.sourceTag) });
  const instances: MediaInstance[] = config.RTPENGINE_URLS
    ? config.RTPENGINE_URLS.split(",").map((entry) => {
        const [host = "", port = "0"] = entry.trim().split(":");
        return new ExternalRtpengine({ address: { host, port: Number(port) }, logger });
      })
    : [
        new RtpengineSupervisor({
          interfaceAddress: mediaAddress,
          ngHost: "127.0.0.1",
          ngPort: config.RTPENGINE_NG_PORT,
          portMin: config.RTP_PORT_MIN,
          portMax: config.RTP_PORT_MAX,
          mediaTimeoutSec: config.RTPENGINE_TIMEOUT_S,
          silentTimeoutSec: config.RTPENGINE_SILENT_TIMEOUT_S,
          timeoutNotifyUrl: timeouts.url,
          recordingDir: options.recordingSpoolDir,
          dtmfLogDest: dtmf.destination,
          logger,
        }),
      ];
  const started = new MediaPool(instances);
  await started.start().catch(async (error: unknown) => {
    await timeouts.close();
    await dtmf.close();
    throw error;
  });
  current.pool = started;
  health.register("media", () => {
    const statuses = instances.map((i) => i.status());
    // lostCalls/lastLoss: calls whose rtpengine died or restarted under them (each ended as failed, media-lost).
    return { ok: statuses.some((s) => s.up), instances: statuses, sessions: started.sessionCounts(), ...started.lossStats() };
  });
  // An instance that died or restarted took its calls' media with it: each call is re-created on a live instance, or
  // ended (media-lost).
  started.onSessionsLost((loss) => {
    logger.warn("rtpengine lost its calls", { instance: loss.instanceId, state: loss.state, calls: loss.callIds.length });
    for (const callId of loss.callIds) events.lost(callId);
  });

  // rtpengine plays mu-law copies of the prompts (10 times cheaper per `play media`, see playback-sounds.ts); only a
  // local instance can open them.
  const playback = config.RTPENGINE_URLS ? undefined : new PlaybackSounds(soundsDir, path.join(path.resolve(config.DATA_DIR), "playback-sounds"), { logger });
  playback?.warm(ALL_SOUNDS);

  const durations = new Map<Sound, number>();
  for (const sound of ALL_SOUNDS) {
    // 8 kHz, 16-bit mono: 16,000 bytes a second after the 44-byte header.
    durations.set(sound, Math.max(0, (statSync(path.join(soundsDir, `${sound}.wav`)).size - 44) / 16));
  }

  return {
    pool: started,
    events,
    soundDurationMs: (sound) => durations.get(sound) ?? 0,
    promptsChanged: () => playback?.sourcesChanged(),
    factory: (callId, trunkTag, callerKind) => {
      const instance = started.acquire(callId);
      const bridge = new MediaBridge(instance.client, callId, { trunkTag, callerKind, soundsDir, soundFile: playback && ((sound) => playback.file(sound)), logger });
      const close = bridge.close.bind(bridge);
      bridge.close = async () => {
        try {
          await close();
        } finally {
          started.release(callId);
        }
      };
      return bridge;
    },
    stop: async () => {
      await started.stop();
      await timeouts.close();
      await dtmf.close();
    },
  };
}
