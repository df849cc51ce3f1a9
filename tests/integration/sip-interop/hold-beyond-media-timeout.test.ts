/**
 * Issue 7 case 11: a caller on hold (a=inactive, no RTP) for longer than rtpengine's media timeout, then resuming,
 * gets its audio back. rtpengine runs with `--timeout=2` here (RTPENGINE_TIMEOUT_S), so "longer than a minute" is
 * a few seconds; the hold reaches rtpengine as an inactive offer, so its `--silent-timeout` (an hour) applies.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { RtpEndpoint, SipPeer, audioSdp, sdpFacts } from "../../support/sip-peer";
import { sleep } from "../../support/wait";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ RTPENGINE_TIMEOUT_S: "2" });
  await harness.cli("queue", "add", "Support");
  await harness.cli("number", "add", "1000", "--queue", "Support");
}, 60_000);
afterAll(() => harness?.stop());

it("a caller held (inactive, silent) beyond rtpengine's media timeout hears the music again after resuming", async () => {
  const peer = await SipPeer.udp({ host: "127.0.0.1", port: harness.hotline.telephony!.b2bua.port });
  const media = await RtpEndpoint.open();
  try {
    const dialog = peer.invite({ sdp: audioSdp(media.port) });
    const ok = await peer.answered(dialog);
    peer.ack(dialog);
    const relay = sdpFacts(ok.body);
    media.startSending({ address: relay.address, port: relay.port });
    await media.waitForPackets(20, 5000);

    const hold = peer.request(dialog, "INVITE", { sdp: audioSdp(media.port, { direction: "inactive", version: 2 }) });
    expect(sdpFacts((await peer.finalResponse(hold, "INVITE")).body).direction).toBe("inactive");
    peer.ack(dialog, { cseq: hold.cseq });
    media.stopSending();
    // The time that passes IS the case: three media timeouts of silence (rtpengine checks once a second).
    await sleep(6_000);
    const calls = await harness.hotline.telephony!.pool.instances[0]!.client.list();
    expect(calls.length).toBe(1);

    const resume = peer.request(dialog, "INVITE", { sdp: audioSdp(media.port, { version: 3 }) });
    expect(sdpFacts((await peer.finalResponse(resume, "INVITE")).body).direction).toBe("sendrecv");
    peer.ack(dialog, { cseq: resume.cseq });
    // Hold music again, without the caller sending first.
    await media.waitForPackets(25, 3000);
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
  } finally {
    media.close();
    peer.close();
  }
}, 30_000);
