/**
 * Child process of the call benchmarks: N scripted operators (tests/support/test-operator.ts) that log in, register
 * over the SIP WebSocket, go available and auto-answer with plain RTP. They run OUTSIDE the measured server process,
 * as browsers would, so the server's CPU and event loop figures are the server's own.
 *
 * IPC: the parent sends {type:"start", baseUrl, operators:[{username, token}]}, gets {type:"ready"}; then
 * {type:"stats"} -> {type:"stats", ...FleetStats}; {type:"stop"} ends the process.
 */
import { TestOperator } from "../../tests/support/test-operator";

export interface FleetStart {
  type: "start";
  baseUrl: string;
  operators: Array<{ username: string; token: string }>;
}

export interface FleetStats {
  operators: number;
  /** Operators with a call answered and not yet ended. */
  inCall: number;
  /** INVITEs received, all operators together. */
  offers: number;
  /** Offers per operator: min and max (one call each is the plan for calls/concurrent). */
  offersMin: number;
  offersMax: number;
  /** RTP packets the operators sent (their "microphones"). */
  rtpSent: number;
  /** RTP packets received by the operators, and those of them that were their own voice echoed by the trunk. */
  rtpReceived: number;
  echoedBack: number;
}

type Request = FleetStart | { type: "stats" } | { type: "stop" };

const fleet: TestOperator[] = [];
let rtpSent = 0;

function stats(): FleetStats {
  const offers = fleet.map((o) => o.offers.length);
  return {
    operators: fleet.length,
    inCall: fleet.filter((o) => o.current !== undefined).length,
    offers: offers.reduce((s, n) => s + n, 0),
    offersMin: Math.min(...offers),
    offersMax: Math.max(...offers),
    rtpSent,
    rtpReceived: fleet.reduce((s, o) => s + o.rtpReceived, 0),
    echoedBack: fleet.reduce((s, o) => s + o.echoedBack, 0),
  };
}

async function start(request: FleetStart): Promise<void> {
  // A few at a time: each is a Socket.IO connection, a WebSocket upgrade and a REGISTER.
  for (let i = 0; i < request.operators.length; i += 10) {
    const batch = request.operators.slice(i, i + 10).map(async ({ username, token }) => {
      const operator = new TestOperator(request.baseUrl, username, token);
      const send = operator.rtp.send.bind(operator.rtp) as (...args: unknown[]) => void;
      (operator.rtp as { send: (...args: unknown[]) => void }).send = (...args) => {
        rtpSent += 1;
        send(...args);
      };
      await operator.start();
      await operator.goAvailable();
      return operator;
    });
    fleet.push(...(await Promise.all(batch)));
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
      void Promise.all(fleet.map((o) => o.stop().catch(() => {}))).then(() => process.exit(0));
      return;
  }
});
