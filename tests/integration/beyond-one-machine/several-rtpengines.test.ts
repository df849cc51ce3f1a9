/**
 * Several rtpengine instances on other hosts (issue 14, item 8; hosts are loopback addresses 127.0.0.2 and 127.0.0.3,
 * each rtpengine run "by someone else" and given to Hotline with RTPENGINE_URLS): new calls are spread over both;
 * when the one carrying a bridged call dies (SIGKILL), the call is re-created on the other, both legs are re-INVITEd
 * onto it and audio flows again both ways; new calls then avoid the dead one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RtpengineSupervisor } from "../../../server/media/rtpengine-supervisor";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { freePort, testRtpPort } from "../../support/net";
import { TrunkPeer } from "../../support/trunk-peer";
import { waitUntil } from "../../support/wait";

describe("two external rtpengines on two hosts", () => {
  let harness: Harness;
  const relays: RtpengineSupervisor[] = [];
  const peers: TrunkPeer[] = [];

  beforeAll(async () => {
    for (const [index, host] of ["127.0.0.2", "127.0.0.3"].entries()) {
      const rtpMin = testRtpPort(22600 + 100 * index);
      const relay = new RtpengineSupervisor({ interfaceAddress: host, ngPort: await freePort(), portMin: rtpMin, portMax: rtpMin + 99, mediaTimeoutSec: 60 });
      await relay.start();
      relays.push(relay);
    }
    harness = await startHarness({ RTPENGINE_URLS: relays.map((r) => `${r.status().address.host}:${r.status().address.port}`).join(",") });
    await harness.cli("queue", "add", "Support");
    await harness.cli("number", "add", "1000", "--queue", "Support");
  }, 60_000);
  afterAll(async () => {
    for (const peer of peers) await peer.stop();
    await harness?.stop();
    for (const relay of relays) await relay.stop();
  });

  const newPeer = async () => {
    const peer = new TrunkPeer(harness.hotline.telephony!.b2bua.port);
    await peer.start();
    peers.push(peer);
    return peer;
  };
  const sessionsOn = async (relay: RtpengineSupervisor) => (await relay.client.list()).length;
  /** The rtpengine address in an SDP body's c= line. */
  const mediaHost = (sdp: string) => /^c=IN IP4 (\S+)/m.exec(sdp)?.[1];

  it("an rtpengine restarted on its host between two health checks (never seen down): the queued call is re-created", async () => {
    const peer = await newPeer();
    peer.call("1000");
    await waitUntil("200 OK", () => peer.final?.status, (status) => status === 200);
    await waitUntil("the greeting at the trunk", () => peer.rtpReceived, (n) => n > 10);
    const host = mediaHost(peer.final!.body.toString());
    const relay = relays.find((r) => r.status().address.host === host)!;
    // Killed and restarted at once by its own supervisor (as systemd would): the sessions are gone, the host answers.
    process.kill(relay.status().pid!, "SIGKILL");
    await waitUntil("the trunk's re-INVITE", () => peer.reInvites.length, (n) => n === 1, 20_000);
    const heard = peer.rtpReceived;
    await waitUntil("hold music again", () => peer.rtpReceived, (n) => n > heard + 25, 5_000);
    expect(peer.byes).toHaveLength(0);
    peer.hangup();
    await waitUntil("no session left", async () => (await sessionsOn(relays[0]!)) + (await sessionsOn(relays[1]!)), (n) => n === 0, 5_000);
  }, 40_000);

  it("a bridged call whose rtpengine dies moves to the other host and both sides hear each other again", async () => {
    const operator = await harness.operator("amina");
    await harness.cli("queue", "member", "Support", "amina");
    await operator.goAvailable();
    const peer = await newPeer();
    peer.call("1000");
    await operator.waitFor(() => operator.current !== undefined, "the operator to answer");
    await operator.waitFor(() => operator.rtpReceived > 20, "the caller's audio at the operator");
    const before = mediaHost(peer.final!.body.toString());
    const [dying, surviving] = before === "127.0.0.2" ? [relays[0]!, relays[1]!] : [relays[1]!, relays[0]!];
    expect(await sessionsOn(dying)).toBe(1);
    expect(await sessionsOn(surviving)).toBe(0);

    // The host dies: rtpengine killed, and nobody restarts it.
    process.kill(dying.status().pid!, "SIGKILL");
    await dying.stop();
    // Hotline finds the dead host by its health checks (two missed, 5 s apart), then re-creates the call on the other.
    await waitUntil("the trunk's re-INVITE", () => peer.reInvites.length, (n) => n === 1, 20_000);
    expect(mediaHost(peer.reInvites[0]!.body.toString())).toBe(surviving.status().address.host);
    await operator.waitFor(() => operator.reInvites === 1, "the operator's re-INVITE", 10_000);
    const [atOperator, atTrunk] = [operator.rtpReceived, peer.rtpReceived];
    await operator.waitFor(() => operator.rtpReceived > atOperator + 25, "the caller's audio at the operator again", 5_000);
    await waitUntil("the operator's audio at the trunk again", () => peer.rtpReceived, (n) => n > atTrunk + 25, 5_000);
    expect(peer.byes).toHaveLength(0);
    expect(await sessionsOn(surviving)).toBe(1);

    // A new call while one host is down goes to the live one.
    const second = await newPeer();
    second.call("1000");
    await waitUntil("200 OK", () => second.final?.status, (status) => status === 200);
    expect(mediaHost(second.final!.body.toString())).toBe(surviving.status().address.host);
    second.hangup();
    operator.hangup();
    await waitUntil("Hotline's BYE to the trunk", () => peer.byes.length, (n) => n === 1, 5_000);
    await waitUntil("no session left", () => sessionsOn(surviving), (n) => n === 0, 5_000);
  }, 60_000);
});
