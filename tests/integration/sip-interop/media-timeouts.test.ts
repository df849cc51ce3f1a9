/**
 * rtpengine's media timeouts as Hotline configures them (issue 7, item 12 and the hold rule of item 11), against a
 * real rtpengine spawned by the supervisor with `--timeout=1`, `--silent-timeout=30` and `--b2b-url` pointing at a
 * {@link MediaTimeoutListener}:
 * - a call whose RTP stopped is reported by rtpengine itself (XML-RPC `teardown`), no polling by Hotline;
 * - a call on hold is not: streams negotiated `a=inactive`, or `a=sendonly` answered `a=recvonly`, fall under the
 *   silent timeout. The ng `answer` must carry the mirrored direction (RFC 3264 §6.1): measured on 10.5, an answer
 *   saying `sendrecv` to a held offer makes rtpengine expect RTP from the holder again, and the call times out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RtpengineSupervisor } from "../../../server/media/rtpengine-supervisor.js";
import { MediaTimeoutListener } from "../../../server/media/timeout-listener.js";
import { freePort, testRtpPort } from "../../support/net";
import { waitUntil } from "../../support/wait";

const RTP_MIN = testRtpPort(22900);

describe("rtpengine media timeouts (1 s, silent 30 s)", () => {
  let rtpengine: RtpengineSupervisor;
  let listener: MediaTimeoutListener;
  const timedOut: Array<{ callId: string; at: number }> = [];

  beforeAll(async () => {
    listener = await MediaTimeoutListener.listen({ host: "127.0.0.1", onTimeout: (callId) => timedOut.push({ callId, at: Date.now() }) });
    rtpengine = new RtpengineSupervisor({
      interfaceAddress: "127.0.0.1",
      ngPort: await freePort(),
      portMin: RTP_MIN,
      portMax: RTP_MIN + 99,
      mediaTimeoutSec: 1,
      silentTimeoutSec: 30,
      timeoutNotifyUrl: listener.url,
    });
    await rtpengine.start();
  });
  afterAll(async () => {
    await rtpengine?.stop();
    await listener?.close();
  });

  const sdp = (port: number, direction: string) =>
    `v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=${direction}\r\n`;
  /** A two-party call whose parties never send RTP: offer with one direction, answer with another. */
  const call = async (callId: string, offered: string, answered: string) => {
    const options = { flags: ["trust-address"] };
    await rtpengine.client.offer({ callId, fromTag: "caller", sdp: sdp(7000, offered), options });
    await rtpengine.client.answer({ callId, fromTag: "caller", toTag: "callee", sdp: sdp(7002, answered), options });
  };

  it("reports a silent call by XML-RPC within the timeout, and never a held one", async () => {
    const started = Date.now();
    await call("silent", "sendrecv", "sendrecv");
    await call("held-inactive", "inactive", "inactive");
    await call("held-sendonly", "sendonly", "recvonly");
    await call("held-answered-sendrecv", "inactive", "sendrecv");
    await waitUntil("two timeouts", () => timedOut.length, (n) => n >= 2, 5_000);
    expect(timedOut.map((t) => t.callId).sort()).toEqual(["held-answered-sendrecv", "silent"]);
    expect(timedOut[0]!.at - started).toBeLessThan(3_500);
    // Well past the 1 s timeout, the held calls are still there (and were never reported).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await rtpengine.client.list()).sort()).toEqual(["held-inactive", "held-sendonly"]);
    expect(timedOut).toHaveLength(2);
  }, 15_000);

  it("passes the configured timeouts and the notification URL on rtpengine's command line", () => {
    expect(rtpengine.commandLine()).toEqual(
      expect.arrayContaining(["--timeout=1", "--silent-timeout=30", "--offer-timeout=1", `--b2b-url=${listener.url}`, "--xmlrpc-format=1"]),
    );
  });
});
