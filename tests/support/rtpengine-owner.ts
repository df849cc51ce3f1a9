/**
 * A stand-in for another running Hotline: starts a supervised rtpengine on NG_PORT (RTP ports RTP_MIN-RTP_MAX),
 * prints "ready <rtpengine pid>" and stays until killed. Used by tests/integration/media/rtpengine-ownership.test.ts.
 */
import { RtpengineSupervisor } from "../../server/media/rtpengine-supervisor";

const supervisor = new RtpengineSupervisor({
  interfaceAddress: "127.0.0.1",
  ngPort: Number(process.env.NG_PORT),
  portMin: Number(process.env.RTP_MIN),
  portMax: Number(process.env.RTP_MAX),
  healthIntervalMs: 0,
});
await supervisor.start();
process.stdout.write(`ready ${supervisor.status().pid}\n`);
process.on("SIGTERM", () => void supervisor.stop().then(() => process.exit(0)));
setInterval(() => {}, 60_000);
