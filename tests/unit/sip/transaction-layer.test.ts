import { describe, expect, it, vi } from "vitest";
import { FakeTimers } from "./fake-timers.js";
import { FakeTransport, parseRequest, requestText } from "./sip-test-helpers.js";
import { TransactionLayer, type ServerTransaction, type TransactionUser } from "../../../server/sip/transaction-layer.js";
import { createResponse } from "../../../server/sip/response.js";
import type { SipRequest, SipResponse } from "../../../server/sip/message.js";
import { serializeMessage } from "../../../server/sip/serializer.js";

function setup(options: { maxTransactions?: number; kind?: "UDP" | "TCP" } = {}) {
  const timers = new FakeTimers();
  const transport = new FakeTransport(options.kind ?? "UDP");
  const requests: { request: SipRequest; tx: ServerTransaction | undefined }[] = [];
  const onStrayResponse = vi.fn<(response: SipResponse) => void>();
  const user: TransactionUser & { onStrayResponse: typeof onStrayResponse } = {
    onRequest: (request, tx) => requests.push({ request, tx }),
    onStrayResponse,
  };
  const layerOptions: ConstructorParameters<typeof TransactionLayer>[0] = { transports: [transport], user, timers };
  if (options.maxTransactions !== undefined) layerOptions.maxTransactions = options.maxTransactions;
  const layer = new TransactionLayer(layerOptions);
  return { timers, transport, requests, user, layer };
}

describe("TransactionLayer routing (RFC 3261 §17.1.3, §17.2.3)", () => {
  it("creates one server transaction per request and absorbs retransmissions", () => {
    const { transport, requests, layer } = setup();
    transport.inject(requestText("OPTIONS"));
    transport.inject(requestText("OPTIONS"));
    expect(requests).toHaveLength(1);
    expect(layer.size.server).toBe(1);
    requests[0]?.tx?.respond(createResponse(requests[0].request, 200));
    transport.inject(requestText("OPTIONS"));
    expect(transport.sentMessages().map((m) => (m.type === "response" ? m.status : 0))).toEqual([200, 200]);
  });

  it("distinguishes the same branch from a different sent-by and a different method", () => {
    const { transport, requests } = setup();
    transport.inject(requestText("OPTIONS"));
    transport.inject(requestText("OPTIONS", { via: "SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKtest1" }));
    transport.inject(requestText("INFO"));
    expect(requests).toHaveLength(3);
  });

  it("matches the ACK of a non-2xx to the INVITE transaction and gives the ACK of a 2xx to the TU", () => {
    const { transport, requests, timers, layer } = setup();
    transport.inject(requestText("INVITE"));
    const invite = requests[0];
    invite?.tx?.respond(createResponse(invite.request, 486, { toTag: "x" }));
    transport.inject(requestText("ACK"));
    expect(requests).toHaveLength(1);
    expect(invite?.tx?.state).toBe("confirmed");
    timers.advance(5000);
    expect(layer.size.server).toBe(0);
    transport.inject(requestText("ACK", { branch: "z9hG4bKother" }));
    expect(requests).toHaveLength(2);
    expect(requests[1]?.tx).toBeUndefined();
  });

  it("treats CANCEL as its own transaction and finds the INVITE it cancels (RFC 3261 §9.2)", () => {
    const { transport, requests, layer } = setup();
    transport.inject(requestText("INVITE"));
    transport.inject(requestText("CANCEL"));
    expect(requests).toHaveLength(2);
    const cancel = requests[1];
    expect(cancel?.tx).not.toBe(requests[0]?.tx);
    expect(layer.findInviteForCancel(cancel?.request as SipRequest)).toBe(requests[0]?.tx);
  });

  it("routes responses to the client transaction by branch + CSeq method, strays to the TU", () => {
    const { transport, user, layer } = setup();
    const onResponse = vi.fn();
    const request = parseRequest(requestText("OPTIONS", { branch: "z9hG4bKclient" }));
    layer.sendRequest(request, { transport: "UDP", address: "192.0.2.20", port: 5060 }, { onResponse });
    const response = createResponse(request, 200);
    transport.inject(serializeMessage(response));
    expect(onResponse).toHaveBeenCalledTimes(1);
    const stray = createResponse(parseRequest(requestText("OPTIONS", { branch: "z9hG4bKnobody" })), 200);
    transport.inject(serializeMessage(stray));
    expect(user.onStrayResponse).toHaveBeenCalledTimes(1);
  });

  it("stamps received and rport on the top Via and answers there (RFC 3581)", () => {
    const { transport, requests } = setup();
    transport.inject(requestText("OPTIONS", { via: "SIP/2.0/UDP client.invalid;rport;branch=z9hG4bKr" }), { address: "198.51.100.7", port: 40000 });
    const entry = requests[0];
    expect(entry?.request.headers.get("Via")).toBe("SIP/2.0/UDP client.invalid;rport=40000;branch=z9hG4bKr;received=198.51.100.7");
    entry?.tx?.respond(createResponse(entry.request, 200));
    expect(transport.sent[0]?.destination).toMatchObject({ address: "198.51.100.7", port: 40000 });
  });

  it("answers malformed requests with 400 and drops malformed responses", () => {
    const { transport, requests } = setup();
    transport.inject(requestText("OPTIONS", { cseqMethod: "INVITE" }));
    transport.inject("SIP/2.0 99999 nope\r\n\r\n");
    transport.inject(Buffer.from([0xff, 0x00, 0x13]));
    expect(requests).toHaveLength(0);
    const sent = transport.sentMessages();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.type === "response" && sent[0].status).toBe(400);
  });

  it("never answers a malformed ACK", () => {
    const { transport } = setup();
    transport.inject(requestText("ACK", { cseqMethod: "INVITE" }));
    expect(transport.sent).toHaveLength(0);
  });

  it("survives a TU callback that throws", () => {
    const transport = new FakeTransport();
    const layer = new TransactionLayer({
      transports: [transport],
      timers: new FakeTimers(),
      user: {
        onRequest: () => {
          throw new Error("TU bug");
        },
      },
    });
    expect(() => transport.inject(requestText("OPTIONS"))).not.toThrow();
    expect(layer.size.server).toBe(1);
    layer.shutdown();
    expect(layer.size.server).toBe(0);
  });
});

describe("TransactionLayer bounded memory", () => {
  it("removes terminated transactions", () => {
    const { transport, requests, timers, layer } = setup();
    for (let i = 0; i < 100; i++) transport.inject(requestText("OPTIONS", { branch: `z9hG4bK${i}` }));
    for (const { request, tx } of requests) tx?.respond(createResponse(request, 200));
    expect(layer.size.server).toBe(100);
    timers.advance(32_000);
    expect(layer.size.server).toBe(0);
    expect(timers.count).toBe(0);
  });

  it("client transactions are removed after timeout too", () => {
    const { timers, layer } = setup();
    const onTimeout = vi.fn();
    for (let i = 0; i < 10; i++) {
      layer.sendRequest(parseRequest(requestText("OPTIONS", { branch: `z9hG4bKc${i}` })), { transport: "UDP", address: "192.0.2.20", port: 5060 }, { onResponse: vi.fn(), onTimeout });
    }
    expect(layer.size.client).toBe(10);
    timers.advance(32_000);
    expect(onTimeout).toHaveBeenCalledTimes(10);
    expect(layer.size.client).toBe(0);
  });

  it("answers 503 beyond the transaction limit", () => {
    const { transport, requests, layer } = setup({ maxTransactions: 2 });
    for (let i = 0; i < 3; i++) transport.inject(requestText("OPTIONS", { branch: `z9hG4bK${i}` }));
    expect(requests).toHaveLength(2);
    expect(layer.size.server).toBe(2);
    const sent = transport.sentMessages();
    expect(sent[0]?.type === "response" && sent[0].status).toBe(503);
  });

  it("rejects ACK and duplicate keys in sendRequest", () => {
    const { layer } = setup();
    const dest = { transport: "UDP" as const, address: "192.0.2.20", port: 5060 };
    expect(() => layer.sendRequest(parseRequest(requestText("ACK")), dest, { onResponse: vi.fn() })).toThrow();
    const req = parseRequest(requestText("OPTIONS"));
    layer.sendRequest(req, dest, { onResponse: vi.fn() });
    expect(() => layer.sendRequest(req, dest, { onResponse: vi.fn() })).toThrow();
  });
});
