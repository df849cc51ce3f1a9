/**
 * Child process of the call benchmarks: N scripted operators that log in, register over the SIP WebSocket, go
 * available and auto-answer. They run OUTSIDE the measured server process, as browsers would, so the server's CPU
 * and event loop figures are the server's own. The parent may fork several fleets and split the operators.
 *
 * Legs (`legs` in the start message): "dtls-srtp" (default) answers with a werift peer connection, i.e. ICE,
 * DTLS-SRTP and rtcp-mux as Chromium does (webrtc-operator.ts); "rtp" answers with plain RTP
 * (tests/support/test-operator.ts), the cheaper leg the benchmarks used before, kept to compare per-call costs.
 * `talkMs` > 0 makes each operator hang up (BYE) that long after answering, so a queue drains (calls/surge).
 *
 * IPC: the parent sends {type:"start", baseUrl, operators:[{username, token}], legs, talkMs}, gets {type:"ready"};
 * then {type:"stats"} -> {type:"stats", ...FleetStats}; {type:"stop"} ends the process.
 */
import { TestOperator } from "../../tests/support/test-operator";
import { WebRtcOperator } from "./webrtc-operator";

export type LegKind = "dtls-srtp" | "rtp";

export interface FleetStart {
  type: "start";
  baseUrl: string;
  operators: Array<{ username: string; token: string }>;
  legs: LegKind;
  talkMs: number;
}

export interface FleetStats {
  operators: number;
  /** Operators with a call answered and not yet ended. */
  inCall: number;
  /** INVITEs received, all operators together. */
  offers: number;
  /** Offers per operator: min and max. */
  offersMin: number;
  offersMax: number;
  /** RTP packets the operators sent (their "microphones"). */
  rtpSent: number;
  /** RTP packets received by the operators, and those of them that were their own voice echoed by the trunk. */
  rtpReceived: number;
  echoedBack: number;
  /** Of the received packets, those the operators' SRTP receivers decrypted (plain RTP legs: all). */
  rtpDecrypted: number;
  /** Packets the received streams' sequence numbers say were sent (RFC 3550 §A.3); NaN for plain RTP legs. */
  rtpExpected: number;
  /** Peer connections that reached "connected", and those that failed (DTLS-SRTP legs only). */
  connected: number;
  pcFailed: number;
  /** Codec of the answered calls, by name, counted per call (DTLS-SRTP legs only). */
  codecs: Record<string, number>;
  /** DTLS role the operators took in their answers (DTLS-SRTP legs only). */
  dtlsRoles: Record<string, number>;
  /** SRTP profile DTLS agreed (DTLS-SRTP legs only). */
  srtpProfiles: Record<string, number>;
  /** Operators in a call whose peer connection is "connected" now (the others hear and send nothing). */
  inCallConnected: number;
  /** Calls in progress whose peer connection is not connected, by "<ICE connection state>/<DTLS transport state>". */
  notConnected: Record<string, number>;
  /** Media set-up times of the connected calls by bucket (see MediaCounters.connectMs; DTLS-SRTP legs only). */
  connectMs: Record<string, number>;
  /** Hang-ups the operators sent (talkMs > 0). */
  hangups: number;
}

type Request = FleetStart | { type: "stats" } | { type: "stop" };

const rtcFleet: WebRtcOperator[] = [];
const rtpFleet: TestOperator[] = [];
let rtpSentPlain = 0;
let hangups = 0;

const tally = (values: Array<string | undefined>) => {
  const counts: Record<string, number> = {};
  for (const v of values) if (v !== undefined) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
};

/** Per-key sums of one of the operators' per-call counts. */
function sumCounts(f: (o: WebRtcOperator) => Record<string, number>): Record<string, number> {
  const all: Record<string, number> = {};
  for (const o of rtcFleet) for (const [key, n] of Object.entries(f(o))) all[key] = (all[key] ?? 0) + n;
  return all;
}

function stats(): FleetStats {
  const offers = [...rtcFleet.map((o) => o.offers), ...rtpFleet.map((o) => o.offers.length)];
  const sum = (f: (o: WebRtcOperator) => number) => rtcFleet.reduce((s, o) => s + f(o), 0);
  return {
    operators: offers.length,
    inCall: rtcFleet.filter((o) => o.current !== undefined).length + rtpFleet.filter((o) => o.current !== undefined).length,
    offers: offers.reduce((s, n) => s + n, 0),
    offersMin: Math.min(...offers),
    offersMax: Math.max(...offers),
    rtpSent: rtpSentPlain + sum((o) => o.media.rtpSent),
    rtpReceived: rtpFleet.reduce((s, o) => s + o.rtpReceived, 0) + sum((o) => o.media.rtpReceived),
    echoedBack: rtpFleet.reduce((s, o) => s + o.echoedBack, 0) + sum((o) => o.media.echoedBack),
    rtpDecrypted: rtpFleet.reduce((s, o) => s + o.rtpReceived, 0) + sum((o) => o.media.rtpDecrypted),
    rtpExpected: rtpFleet.length > 0 ? Number.NaN : sum((o) => o.media.rtpExpected + o.currentExpected()),
    connected: sum((o) => o.media.connected),
    pcFailed: sum((o) => o.media.failed),
    codecs: sumCounts((o) => o.media.codecs),
    dtlsRoles: sumCounts((o) => o.media.dtlsRoles),
    srtpProfiles: sumCounts((o) => o.media.srtpProfiles),
    connectMs: sumCounts((o) => o.media.connectMs),
    inCallConnected:
      rtcFleet.filter((o) => o.current?.pc.connectionState === "connected").length + rtpFleet.filter((o) => o.current !== undefined).length,
    notConnected: tally(
      rtcFleet
        .filter((o) => o.current !== undefined && o.current.pc.connectionState !== "connected")
        .map((o) => `${o.current!.pc.iceConnectionState}/${o.current!.pc.getTransceivers()[0]?.dtlsTransport.state ?? "none"}`),
    ),
    hangups,
  };
}

async function startOne(request: FleetStart, username: string, token: string): Promise<void> {
  if (request.legs === "rtp") {
    const operator = new TestOperator(request.baseUrl, username, token);
    const send = operator.rtp.send.bind(operator.rtp) as (...args: unknown[]) => void;
    (operator.rtp as { send: (...args: unknown[]) => void }).send = (...args) => {
      rtpSentPlain += 1;
      send(...args);
    };
    await operator.start();
    await operator.goAvailable();
    rtpFleet.push(operator);
    return;
  }
  const operator = new WebRtcOperator(request.baseUrl, username, token, {
    talkMs: request.talkMs,
    onHangup: () => (hangups += 1),
  });
  await operator.start();
  await operator.goAvailable();
  rtcFleet.push(operator);
}

async function start(request: FleetStart): Promise<void> {
  // A few at a time: each is a Socket.IO connection, a WebSocket upgrade and a REGISTER.
  for (let i = 0; i < request.operators.length; i += 10) {
    await Promise.all(request.operators.slice(i, i + 10).map(({ username, token }) => startOne(request, username, token)));
  }
}

process.on("message", (message: Request) => {
  const reply = (value: object) => process.send!(value);
  switch (message.type) {
    case "start":
      start(message).then(
        () => reply({ type: "ready" }),
        (error) => reply({ type: "error", error: String(error) }),
      );
      return;
    case "stats":
      reply({ type: "stats", ...stats() });
      return;
    case "stop":
      void Promise.all([...rtcFleet, ...rtpFleet].map((o) => o.stop().catch(() => {}))).then(() => process.exit(0));
      return;
  }
});
// The parent died without saying stop: do not linger.
process.on("disconnect", () => process.exit(0));
