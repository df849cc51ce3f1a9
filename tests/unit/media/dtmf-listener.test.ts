/**
 * The UDP endpoint of rtpengine's DTMF log (server/media/dtmf-listener.ts), on loopback: one datagram, one digit;
 * a repeat of the same event is reported once; unreadable or oversized datagrams are dropped.
 */
import dgram from "node:dgram";
import { afterEach, expect, it } from "vitest";
import { DtmfListener, type DtmfEvent } from "../../../server/media/dtmf-listener";

let listener: DtmfListener | undefined;
afterEach(async () => listener?.close());

async function send(destination: string, ...messages: string[]): Promise<void> {
  const [host, port] = destination.split(":");
  const socket = dgram.createSocket("udp4");
  for (const m of messages) await new Promise<void>((resolve) => socket.send(m, Number(port), host, () => resolve()));
  socket.close();
}

it("reports each digit once, by rtpengine's call id", async () => {
  const digits: DtmfEvent[] = [];
  listener = await DtmfListener.listen({ host: "127.0.0.1", onDigit: (d) => digits.push(d) });
  const line = (event: number, timestamp: number) => JSON.stringify({ callid: "c1", source_tag: "t1", type: "DTMF", timestamp, event, duration: 200, volume: 10 });
  await send(listener.destination, line(2, 100), line(2, 100), "not json", "x".repeat(5000), line(11, 101));
  await expect.poll(() => digits.length).toBe(2);
  await new Promise((r) => setTimeout(r, 50));
  expect(digits).toEqual([
    { callId: "c1", sourceTag: "t1", digit: "2", durationMs: 200 },
    { callId: "c1", sourceTag: "t1", digit: "#", durationMs: 200 },
  ]);
});
