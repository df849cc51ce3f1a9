/**
 * Client transactions over real UDP/TCP sockets against the minimal UAS: response routing,
 * TCP connection reuse and idle timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMinimalUas, type MinimalUas } from "./minimal-uas.js";
import { TransactionLayer } from "../../../server/sip/transaction-layer.js";
import { UdpTransport } from "../../../server/sip/udp-transport.js";
import { TcpTransport } from "../../../server/sip/tcp-transport.js";
import { createRequest, type SipResponse } from "../../../server/sip/message.js";
import { generateBranch, generateCallId, generateTag } from "../../../server/sip/ids.js";
import type { TransportKind } from "../../../server/sip/transport.js";

function options(transport: TransportKind, localPort: number, remotePort: number) {
  return createRequest({
    method: "OPTIONS",
    uri: `sip:ping@127.0.0.1:${remotePort}`,
    headers: [
      ["Via", `SIP/2.0/${transport} 127.0.0.1:${localPort};branch=${generateBranch()};rport`],
      ["Max-Forwards", "70"],
      ["From", `<sip:client@127.0.0.1>;tag=${generateTag()}`],
      ["To", `<sip:ping@127.0.0.1>`],
      ["Call-ID", generateCallId()],
      ["CSeq", "1 OPTIONS"],
    ],
  });
}

describe("client transactions on real sockets", () => {
  let uas: MinimalUas;
  let udp: UdpTransport;
  let tcp: TcpTransport;
  let layer: TransactionLayer;

  beforeAll(async () => {
    uas = await startMinimalUas();
    udp = await UdpTransport.listen({ host: "127.0.0.1", port: 0 });
    tcp = await TcpTransport.listen({ host: "127.0.0.1", port: 0, idleTimeoutMs: 300 });
    layer = new TransactionLayer({ transports: [udp, tcp], user: { onRequest: () => undefined } });
  });

  afterAll(async () => {
    layer.shutdown();
    await Promise.all([udp.close(), tcp.close(), uas.close()]);
  });

  function ask(transport: "UDP" | "TCP"): Promise<SipResponse> {
    const local = transport === "UDP" ? udp.local.port : tcp.local.port;
    const remote = transport === "UDP" ? uas.udpPort : uas.tcpPort;
    return new Promise((resolve, reject) => {
      layer.sendRequest(options(transport, local, remote), { transport, address: "127.0.0.1", port: remote }, {
        onResponse: (r) => (r.status >= 200 ? resolve(r) : undefined),
        onTimeout: () => reject(new Error("timeout")),
        onTransportError: reject,
      });
    });
  }

  it("OPTIONS over UDP gets 200 and the transaction is cleaned up after Timer K", async () => {
    const response = await ask("UDP");
    expect(response.status).toBe(200);
    expect(response.headers.get("Via")).toMatch(/rport=\d+/);
    expect(layer.size.client).toBe(1);
    await new Promise((r) => setTimeout(r, 5200));
    expect(layer.size.client).toBe(0);
  });

  it("OPTIONS over TCP reuses one connection, which closes when idle", async () => {
    expect((await ask("TCP")).status).toBe(200);
    expect((await ask("TCP")).status).toBe(200);
    expect(tcp.connectionCount).toBe(1);
    await new Promise((r) => setTimeout(r, 600));
    expect(tcp.connectionCount).toBe(0);
    // Reliable transport: Timer K is zero, nothing lingers.
    expect(layer.size.client).toBe(0);
  });

  it("reports a transport error when nobody listens on TCP", async () => {
    const free = await TcpTransport.listen({ host: "127.0.0.1", port: 0 });
    const port = free.local.port;
    await free.close();
    const error = await new Promise<Error>((resolve) => {
      layer.sendRequest(options("TCP", tcp.local.port, port), { transport: "TCP", address: "127.0.0.1", port }, {
        onResponse: () => undefined,
        onTransportError: resolve,
      });
    });
    expect(error.message).toMatch(/ECONNREFUSED/);
    await new Promise((r) => setTimeout(r, 10));
    expect(layer.size.client).toBe(0);
  });
});
