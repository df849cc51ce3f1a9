/**
 * Recorded audio on the call path: call recordings (recording-service.ts: conversion after each recorded call,
 * retention) and voicemails (server/voicemail: the message stored, the record's outcome written through the call
 * controller's record writer). rtpengine writes both into one spool (`<recordings dir>/spool`); only a supervised
 * rtpengine is given it: external instances (RTPENGINE_URLS) write on their own host, so the call path then records
 * nothing ({@link RecordedAudio.forCalls} is empty).
 * @module
 */
import type { CallPatch } from "../../db/queries/calls";
import type { Database } from "../../db/client";
import type { Clock } from "../clock";
import type { Config } from "../config/config";
import type { Logger } from "../logger";
import { VoicemailService } from "../voicemail/voicemail-service";
import { recordingsDirOf } from "./recording-files";
import { RecordingService } from "./recording-service";

export interface RecordedAudio {
  recordings: RecordingService;
  /** rtpengine's `--recording-dir`, when rtpengine is supervised here. */
  spoolDir: string | undefined;
  /** What the call controller stores through (none with external rtpengines). */
  forCalls: { recordings?: RecordingService; voicemail?: VoicemailService };
  /** Prunes what a crash left in the spool and starts the retention sweeper (after the media relays started). */
  start(): Promise<void>;
  /** Waits for conversions and stores still running. */
  stop(): Promise<void>;
}

/** `writeCall`: the controller's record writer (voicemail outcomes), called only once calls run. */
export function recordedAudio(args: { config: Config; database: Database; clock: Clock; logger: Logger; writeCall(id: string, patch: CallPatch): void }): RecordedAudio {
  const { config, database, logger } = args;
  const recordings = new RecordingService(database.db, recordingsDirOf(config), args.clock, logger);
  const voicemail = new VoicemailService(database.db, recordings.recordingsDir, (id, patch) => args.writeCall(id, patch), logger, recordings.sweeper);
  const local = !config.RTPENGINE_URLS;
  return {
    recordings,
    spoolDir: local ? recordings.spoolDir : undefined,
    forCalls: local ? { recordings, voicemail } : {},
    start: () => recordings.start(),
    stop: async () => {
      await recordings.stop();
      await voicemail.stop();
    },
  };
}
