/**
 * The running call side ({@link Telephony}, what server/boot.ts uses) and what starting it needs ({@link TelephonyArgs});
 * the wiring is telephony-runtime.ts's.
 * @module
 */
import type { Server as HttpServer } from "node:http";
import type { Database } from "../../db/client";
import type { AuthService } from "../auth/auth-service";
import type { LiveConnections } from "../auth/live-connections";
import type { BoardFeed } from "../board/board-feed";
import type { CallbackService } from "../callbacks/callback-service";
import type { Clock } from "../clock";
import type { Config } from "../config/config";
import type { HealthRegistry } from "../health";
import type { HoursRuntime } from "../hours/hours-runtime";
import type { Logger } from "../logger";
import type { MediaPool } from "../media";
import type { OutboundCalls } from "../outbound/outbound-calls";
import type { RealtimeServer } from "../realtime/socket-server";
import type { RecordingService } from "../recordings/recording-service";
import type { B2bua } from "../telephony/b2bua";
import type { CallController } from "./call-controller";

export interface Telephony {
  controller: CallController;
  b2bua: B2bua;
  pool: MediaPool;
  /** The supervisors' live queues panel (server/board). */
  board: BoardFeed;
  /** Operating hours: numbers' and queues' open states (server/hours). */
  hours: HoursRuntime;
  /** Call recordings: conversion after each recorded call, retention (server/recordings). */
  recordings: RecordingService;
  /** Outbound calls from the desk (server/outbound). */
  outbound: OutboundCalls;
  /** The callback work list, whose "Call back" dials from the desk. */
  callbacks: CallbackService;
  /** Re-reads queues, memberships, pause reasons and shifts into the queue engine (after admin changes). */
  syncQueues(): Promise<void>;
  /** An account's sessions ended: its softphone registration goes too. */
  dropUser(userId: number): void;
  stop(): Promise<void>;
}

export interface TelephonyArgs {
  config: Config;
  /**
   * This node takes over from another (active/standby): calls the old leader left open are closed as `node-lost`,
   * and each operator whose desk reconnects gets back the state they had there (available, or paused with its reason).
   */
  takeover?: boolean;
  database: Database;
  auth: AuthService;
  health: HealthRegistry;
  realtime: RealtimeServer;
  http: HttpServer;
  /** Live connections by session: each `/sip` WebSocket closes when its session ends. */
  connections?: LiveConnections;
  clock: Clock;
  logger: Logger;
}
