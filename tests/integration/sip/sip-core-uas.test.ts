/**
 * The SIP core on real sockets, driven by SIPp and by raw malformed datagrams.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { startMinimalUas, type MinimalUas } from "./minimal-uas.js";
import { loadFixture } from "../../fixtures/sip/load-fixture.js";

const scenarios = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/sip/sipp");

function runSipp(scenario: string, port: number, transport: "u1" | "t1"): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      "sipp",
      ["127.0.0.1:" + port, "-sf", join(scenarios, scenario), "-t", transport, "-i", "127.0.0.1", "-m", "1", "-timeout", "10s", "-timeout_error", "-nostdin", "-max_recv_loops", "100"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ code, output: output.slice(-2000) }));
  });
}

/** Sends one datagram and collects whatever comes back within `waitMs`. */
function exchangeUdp(port: number, payload: Buffer, waitMs = 500): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    const replies: Buffer[] = [];
    socket.on("message", (m) => replies.push(m));
    socket.on("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      socket.send(payload, port, "127.0.0.1");
      setTimeout(() => {
        socket.close();
        resolve(replies);
      }, waitMs);
    });
  });
}

/** Adds `;rport` to the top Via so the answer comes back to our ephemeral port (RFC 3581). */
function withRport(data: Buffer): Buffer {
  return Buffer.from(data.toString("latin1").replace(";branch=", ";rport;branch="), "latin1");
}

/**
 * Reads the status code from the status line only: a 400 copies the request's broken headers
 * (RFC 3261 §8.2.6), so our own strict parser would rightly refuse the whole response.
 */
function statusOf(data: Buffer | undefined): number | undefined {
  const match = data && /^SIP\/2\.0 (\d{3}) /.exec(data.toString("latin1"));
  return match ? Number(match[1]) : undefined;
}

describe("SIP core on real sockets", () => {
  let uas: MinimalUas;

  beforeAll(async () => {
    uas = await startMinimalUas();
  });

  afterAll(async () => {
    await uas.close();
  });

  it("SIPp OPTIONS over UDP gets 200", async () => {
    const result = await runSipp("options-ping-gets-200.xml", uas.udpPort, "u1");
    expect(result.code, result.output).toBe(0);
  });

  it("SIPp OPTIONS over TCP gets 200", async () => {
    const result = await runSipp("options-ping-gets-200.xml", uas.tcpPort, "t1");
    expect(result.code, result.output).toBe(0);
  });

  it("SIPp INVITE over UDP gets 501 and its ACK ends the server transaction", async () => {
    const result = await runSipp("invite-gets-501-and-acks.xml", uas.udpPort, "u1");
    expect(result.code, result.output).toBe(0);
    // The ACK matched the INVITE transaction (Confirmed), so it never reached the TU; Timer I
    // (T4 = 5 s) then removes the transaction.
    expect(uas.requestsSeen.filter((m) => m === "ACK")).toHaveLength(0);
  });

  it.each(["mismatch01", "badinv01", "clerr", "quotbal", "lwsruri", "insuf"])("answers the malformed %s datagram with 400", async (name) => {
    const replies = await exchangeUdp(uas.udpPort, withRport(loadFixture(name)));
    expect(statusOf(replies[0])).toBe(400);
  });

  it("answers badvers with 505 and unkscm with 416", async () => {
    expect(statusOf((await exchangeUdp(uas.udpPort, withRport(loadFixture("badvers"))))[0])).toBe(505);
    expect(statusOf((await exchangeUdp(uas.udpPort, withRport(loadFixture("unkscm"))))[0])).toBe(416);
  });

  it("stays silent on garbage and malformed responses, and keeps serving", async () => {
    for (const payload of [Buffer.from([0, 1, 2, 255, 13, 10]), loadFixture("bigcode"), Buffer.alloc(1400, 0x41)]) {
      expect(await exchangeUdp(uas.udpPort, payload, 200)).toHaveLength(0);
    }
    const result = await runSipp("options-ping-gets-200.xml", uas.udpPort, "u1");
    expect(result.code, result.output).toBe(0);
  });

  it("closes a TCP connection that cannot be framed, and keeps serving", async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(uas.tcpPort, "127.0.0.1", () => socket.write("OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n"));
      socket.on("close", () => resolve(true));
      socket.on("error", () => undefined);
      setTimeout(() => resolve(false), 3000);
    });
    expect(closed).toBe(true);
    const result = await runSipp("options-ping-gets-200.xml", uas.tcpPort, "t1");
    expect(result.code, result.output).toBe(0);
  });
});
