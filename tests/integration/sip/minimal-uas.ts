/**
 * The smallest UAS the SIP core supports: OPTIONS gets 200, every other request 501
 * (RFC 3261 §8.2.1). ACKs for 2xx never happen since nothing is accepted.
 */
import { TransactionLayer } from "../../../server/sip/transaction-layer.js";
import { UdpTransport } from "../../../server/sip/udp-transport.js";
import { TcpTransport } from "../../../server/sip/tcp-transport.js";
import { createResponse } from "../../../server/sip/response.js";

export interface MinimalUas {
  udpPort: number;
  tcpPort: number;
  layer: TransactionLayer;
  requestsSeen: string[];
  close(): Promise<void>;
}

export async function startMinimalUas(host = "127.0.0.1"): Promise<MinimalUas> {
  const udp = await UdpTransport.listen({ host, port: 0 });
  const tcp = await TcpTransport.listen({ host, port: 0, idleTimeoutMs: 10_000 });
  const requestsSeen: string[] = [];
  const layer = new TransactionLayer({
    transports: [udp, tcp],
    user: {
      onRequest(request, transaction) {
        requestsSeen.push(request.method);
        if (!transaction) return;
        if (request.method === "OPTIONS") {
          transaction.respond(createResponse(request, 200, { headers: [["Allow", "OPTIONS"], ["Accept", "application/sdp"]] }));
        } else {
          transaction.respond(createResponse(request, 501));
        }
      },
    },
  });
  return {
    udpPort: udp.local.port,
    tcpPort: tcp.local.port,
    layer,
    requestsSeen,
    async close() {
      layer.shutdown();
      await Promise.all([udp.close(), tcp.close()]);
    },
  };
}
