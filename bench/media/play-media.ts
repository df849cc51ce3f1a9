/**
 * What rtpengine's work per queued caller costs (its own CPU, from /proc): PLAY_CALLS calls (default 200) parked as
 * Hotline parks them (trunk offer, placeholder answer, without `inject-DTMF`), then `play media` to each, one after
 * the other, of the greeting as shipped (8 kHz 16-bit PCM WAV) and of its mu-law copy (server/media/playback-sounds),
 * then hold music to all of them for 5 s.
 *
 * One JSON line, name "media/play-media": rtpengine CPU ms per park (offer + answer), per play of each format, and
 * % of a core for the music. The supervised rtpengine has its own ng port and the RTP ports of BENCH_RTP_PORTS
 * (default 30000-39999).
 *
 * Run: npm run bench media/play-media
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { trunkLegOptions } from "../../server/media/leg-profiles";
import { PlaybackSounds } from "../../server/media/playback-sounds";
import { RtpengineSupervisor } from "../../server/media/rtpengine-supervisor";
import { bindUdp, freePort } from "../../tests/support/net";
import { round } from "../queue/bench-stats";

const CALLS = Number(process.env.PLAY_CALLS ?? 200);
const SOUNDS = path.resolve("public/sounds");

/** rtpengine's CPU time so far, ms (utime + stime, 100 ticks a second). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function main(): Promise<void> {
  const [min, max] = (process.env.BENCH_RTP_PORTS ?? "30000-39999").split("-").map(Number) as [number, number];
  const cache = mkdtempSync(path.join(tmpdir(), "hotline-bench-playback-"));
  const rtpengine = new RtpengineSupervisor({ interfaceAddress: "127.0.0.1", ngPort: await freePort(), portMin: min, portMax: max });
  const caller = await bindUdp();
  try {
    const playback = new PlaybackSounds(SOUNDS, cache);
    playback.warm(["greeting", "hold-music"]);
    await playback.settled();
    await rtpengine.start();
    const pid = rtpengine.status().pid!;
    const client = rtpengine.client;
    const sdp = (port: number) =>
      `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n`;
    const options = { ...trunkLegOptions("answer", { injectDtmf: false }), "via-branch": "queue" };
    const measure = async (each: (i: number) => Promise<unknown>) => {
      const before = cpuMs(pid);
      for (let i = 0; i < CALLS; i++) await each(i);
      return round((cpuMs(pid) - before) / CALLS, 2);
    };
    const parkMs = await measure(async (i) => {
      await client.offer({ callId: `c${i}`, fromTag: "trunk", sdp: sdp(caller.address().port), options });
      await client.answer({ callId: `c${i}`, fromTag: "trunk", toTag: "queue", sdp: sdp(9), options });
    });
    const play = (file: string) => measure((i) => client.playMedia({ callId: `c${i}`, fromTag: "trunk", source: { file } }));
    const pcmPlayMs = await play(path.join(SOUNDS, "greeting.wav"));
    const muLawPlayMs = await play(playback.file("greeting"));
    await measure((i) => client.playMedia({ callId: `c${i}`, fromTag: "trunk", source: { file: playback.file("hold-music") }, repeatTimes: 100_000 }));
    const before = cpuMs(pid);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const musicPct = round(((cpuMs(pid) - before) / 5_000) * 100, 1);
    console.log(
      JSON.stringify({
        name: "media/play-media",
        calls: CALLS,
        rtpengineCpuMsPerPark: parkMs,
        rtpengineCpuMsPerPlay: { pcm16: pcmPlayMs, muLaw: muLawPlayMs },
        musicToAllCallersCpuPct: musicPct,
        musicCpuPctPerCaller: round(musicPct / CALLS, 3),
      }),
    );
  } finally {
    caller.close();
    await rtpengine.stop();
    rmSync(cache, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
