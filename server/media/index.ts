/**
 * Media control layer: drives rtpengine over its ng protocol. No media passes through Node.
 *
 * - `ng-client`: the ng protocol client (cookies, retries, typed commands).
 * - `leg-profiles`: offer/answer options for the trunk leg and the browser leg, plus SDP fix-ups.
 * - `rtpengine-supervisor`: spawned/external rtpengine instances, health, and the per-call pool.
 */
export * from "./bencode.js";
export * from "./dtmf-listener.js";
export * from "./leg-profiles.js";
export * from "./logger.js";
export * from "./ng-client.js";
export * from "./playback-sounds.js";
export * from "./rtpengine-supervisor.js";
export * from "./sdp.js";
export * from "./session-loss.js";
