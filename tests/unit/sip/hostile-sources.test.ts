/**
 * The transaction layer under hostile traffic: admission before allocation, room reserved for
 * trusted sources, a deadline on every server transaction awaiting the TU, 500 when the TU throws,
 * and responses to strangers only at the packet's source, with error responses rate limited.
 */
import { describe, expect, it } from "vitest";
import { FakeTimers } from "./fake-timers.js";
import { FakeTransport, requestText } from "./sip-test-helpers.js";
import { TransactionLayer, type ServerTransaction, type TransactionLayerOptions } from "../../../server/sip/transaction-layer.js";
import type { SourceAdmission } from "../../../server/sip/admission.js";
import type { SipRequest } from "../../../server/sip/message.js";
import { createResponse } from "../../../server/sip/response.js";
import type { Endpoint } from "../../../server/sip/transport.js";
import type { Logger } from "../../../server/sip/logger.js";

const TRUNK: Endpoint = { address: "192.0.2.10", port: 5060 };
const STRANGER: Endpoint = { address: "198.51.100.66", port: 40000 };

/** Trusts TRUNK only; counts and limits strangers with plain counters the test sets. */
class TestAdmission implements SourceAdmission {
  requestsLeft = Infinity;
  errorsLeft = Infinity;
  asked = 0;
  isTrusted(source: { remote: Endpoint }): boolean {
    return source.remote.address === TRUNK.address;
  }
  admitRequest(): boolean {
    this.asked++;
    return this.requestsLeft-- > 0;
  }
  admitErrorResponse(): boolean {
    return this.errorsLeft-- > 0;
  }
}

function setup(options: Partial<TransactionLayerOptions> & { onRequest?: (request: SipRequest, tx: ServerTransaction | undefined) => void; kind?: "UDP" | "TCP" } = {}) {
  const timers = new FakeTimers();
  const transport = new FakeTransport(options.kind ?? "UDP");
  const admission = new TestAdmission();
  const requests: { request: SipRequest; tx: ServerTransaction | undefined }[] = [];
  const logs: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message, fields) => logs.push({ level: "warn", message, fields }),
    error: (message, fields) => logs.push({ level: "error", message, fields }),
  };
  const layer = new TransactionLayer({
    transports: [transport],
    timers,
    admission,
    logger,
    user: { onRequest: options.onRequest ?? ((request, tx) => requests.push({ request, tx })) },
    ...options,
  });
  const statuses = () => transport.sentMessages().map((m) => (m.type === "response" ? m.status : 0));
  return { timers, transport, admission, requests, layer, logs, statuses };
}

describe("admission before allocation", () => {
  it("asks the admission first and allocates nothing for a dropped request", () => {
    const { transport, admission, requests, layer } = setup();
    admission.requestsLeft = 3;
    for (let i = 0; i < 1000; i++) transport.inject(requestText("OPTIONS", { branch: `z9hG4bKflood${i}` }), STRANGER);
    expect(admission.asked).toBe(1000);
    expect(requests).toHaveLength(3);
    expect(layer.size).toMatchObject({ server: 3, untrusted: 3 });
    expect(transport.sent).toHaveLength(0);
  });

  it("never asks for trusted sources nor for responses; a stranger's retransmission counts like a request", () => {
    const { transport, admission, requests, layer } = setup();
    for (let i = 0; i < 5; i++) transport.inject(requestText("OPTIONS", { branch: `z9hG4bKtrunk${i}` }), TRUNK);
    transport.inject("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnone\r\nTo: <sip:a@b>;tag=1\r\nFrom: <sip:a@b>;tag=2\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", STRANGER);
    expect(admission.asked).toBe(0);
    transport.inject(requestText("OPTIONS", { branch: "z9hG4bKs" }), STRANGER);
    transport.inject(requestText("OPTIONS", { branch: "z9hG4bKs" }), STRANGER);
    expect(admission.asked).toBe(2);
    expect(requests).toHaveLength(6);
    expect(layer.size.untrusted).toBe(1);
  });

  it("admits a stranger's malformed request before answering it 400", () => {
    const { transport, admission, statuses } = setup();
    admission.requestsLeft = 1;
    for (let i = 0; i < 5; i++) transport.inject(requestText("OPTIONS", { branch: `z9hG4bKbad${i}`, cseqMethod: "INVITE" }), STRANGER);
    expect(statuses()).toEqual([400]);
  });
});

describe("room reserved for trusted sources", () => {
  it("strangers never hold more than their share; a trunk still gets a transaction when they are at it", () => {
    const { transport, requests, layer, statuses, admission } = setup({ maxTransactions: 10, maxUntrustedTransactions: 4 });
    admission.errorsLeft = 0;
    for (let i = 0; i < 50; i++) transport.inject(requestText("OPTIONS", { branch: `z9hG4bKs${i}` }), STRANGER);
    expect(layer.size).toMatchObject({ server: 4, untrusted: 4 });
    for (let i = 0; i < 6; i++) transport.inject(requestText("INVITE", { branch: `z9hG4bKt${i}` }), TRUNK);
    expect(layer.size).toMatchObject({ server: 10, untrusted: 4 });
    expect(requests.filter((r) => r.request.method === "INVITE")).toHaveLength(6);
    // The 503s for strangers beyond their share were not admitted as error responses: nothing sent.
    expect(statuses()).toEqual([]);
    transport.inject(requestText("INVITE", { branch: "z9hG4bKt-full" }), TRUNK);
    expect(statuses()).toEqual([503]);
  });
});

describe("a deadline on every server transaction awaiting the TU", () => {
  it("answers 500 to a non-INVITE the TU never answers, after 16*T1, and forgets it", () => {
    const { transport, timers, layer, statuses, requests } = setup();
    transport.inject(requestText("OPTIONS"), TRUNK);
    const ended: number[] = [];
    requests[0]!.tx!.events.onLayerFinal = (status) => ended.push(status);
    timers.advance(7_999);
    expect(statuses()).toEqual([]);
    timers.advance(1);
    expect(statuses()).toEqual([500]);
    expect(ended).toEqual([500]);
    timers.advance(32_000);
    expect(layer.size.server).toBe(0);
  });

  it("answers 408 to an INVITE the TU never answers (after 100 Trying), after 64*T1, keeping the To-tag of a provisional", () => {
    const { transport, timers, layer, statuses, requests } = setup();
    transport.inject(requestText("INVITE"), TRUNK);
    const { request, tx } = requests[0]!;
    tx!.respond(createResponse(request, 180, { toTag: "leg1" }));
    timers.advance(31_999);
    expect(statuses()).toEqual([180]);
    timers.advance(1);
    expect(statuses()).toEqual([180, 408]);
    const final = transport.sentMessages()[1]!;
    expect(final.headers.get("To")).toContain("tag=leg1");
    transport.inject(requestText("ACK"), TRUNK);
    timers.advance(5_000);
    expect(layer.size.server).toBe(0);
  });

  it("leaves a transaction alone once the TU answered", () => {
    const { transport, timers, statuses, requests } = setup();
    transport.inject(requestText("OPTIONS"), TRUNK);
    requests[0]!.tx!.respond(createResponse(requests[0]!.request, 200));
    timers.advance(60_000);
    expect(statuses()).toEqual([200]);
  });

  it("takes its deadlines from options", () => {
    const { transport, timers, statuses } = setup({ tuDeadlineMs: { nonInvite: 1_000 } });
    transport.inject(requestText("INFO"), TRUNK);
    timers.advance(1_000);
    expect(statuses()).toEqual([500]);
  });
});

describe("an exception in the TU ends the transaction with 500", () => {
  it("answers 500 at once, logs the Call-ID, and a CANCEL for the INVITE is still answered", () => {
    const seen: string[] = [];
    const ref: { layer?: TransactionLayer } = {};
    const ctx = setup({
      onRequest: (request, tx) => {
        seen.push(request.method);
        if (request.method === "INVITE") throw new URIError("URI malformed");
        // A CANCEL: 200 when its INVITE is found (RFC 3261 §9.2), 481 otherwise.
        const invite = ref.layer!.findInviteForCancel(request);
        tx?.respond(createResponse(request, invite ? 200 : 481));
      },
    });
    ref.layer = ctx.layer;
    ctx.transport.inject(requestText("INVITE", { callId: "latin1@pbx.example" }), TRUNK);
    expect(ctx.statuses()).toEqual([500]);
    expect(ctx.logs).toContainEqual(expect.objectContaining({ level: "error", fields: expect.objectContaining({ callId: "latin1@pbx.example", method: "INVITE" }) }));
    ctx.transport.inject(requestText("CANCEL", { callId: "latin1@pbx.example" }), TRUNK);
    expect(seen).toEqual(["INVITE", "CANCEL"]);
    expect(ctx.statuses()).toEqual([500, 200]);
    ctx.timers.advance(200);
    // No 100 Trying after the 500, and the INVITE retransmission gets the 500 again.
    ctx.transport.inject(requestText("INVITE", { callId: "latin1@pbx.example" }), TRUNK);
    expect(ctx.statuses()).toEqual([500, 200, 500]);
  });

  it("answers 500 to a non-INVITE whose TU throws, and survives an ACK whose TU throws", () => {
    const ctx = setup({
      onRequest: () => {
        throw new Error("TU bug");
      },
    });
    ctx.transport.inject(requestText("BYE"), TRUNK);
    ctx.transport.inject(requestText("ACK", { branch: "z9hG4bKack2xx" }), TRUNK);
    expect(ctx.statuses()).toEqual([500]);
  });
});

describe("responses to untrusted sources (reflection)", () => {
  it("go only to the packet's source, whatever Via maddr, received or sent-by say", () => {
    const { transport, requests } = setup();
    const via = "SIP/2.0/UDP 203.0.113.99:5070;maddr=203.0.113.77;received=203.0.113.88;branch=z9hG4bKrefl";
    transport.inject(requestText("OPTIONS", { via }), STRANGER);
    requests[0]!.tx!.respond(createResponse(requests[0]!.request, 200));
    expect(transport.sent.map((s) => s.destination)).toEqual([{ transport: "UDP", address: STRANGER.address, port: STRANGER.port }]);
  });

  it("over TCP go on the stranger's own connection only: none is opened toward a stranger once it closed", () => {
    const { transport, requests } = setup({ kind: "TCP" });
    const connection = { id: "c1", transport: "TCP" as const, remote: STRANGER, open: true, send: () => Promise.resolve(), close: () => {} };
    transport.inject(requestText("OPTIONS", { via: "SIP/2.0/TCP 203.0.113.99:5070;branch=z9hG4bKt1" }), STRANGER, connection);
    transport.inject(requestText("OPTIONS", { via: "SIP/2.0/TCP 203.0.113.99:5070;branch=z9hG4bKt2" }), STRANGER, connection);
    requests[0]!.tx!.respond(createResponse(requests[0]!.request, 200));
    expect(transport.sent.map((s) => s.destination.connection)).toEqual([connection]);
    connection.open = false;
    requests[1]!.tx!.respond(createResponse(requests[1]!.request, 200));
    expect(transport.sent).toHaveLength(1);
  });

  it("keep the RFC 3261 §18.2.2 rules for trusted sources (maddr honoured)", () => {
    const { transport, requests } = setup();
    transport.inject(requestText("OPTIONS", { via: "SIP/2.0/UDP 192.0.2.10:5070;maddr=192.0.2.30;branch=z9hG4bKm" }), TRUNK);
    requests[0]!.tx!.respond(createResponse(requests[0]!.request, 200));
    expect(transport.sent[0]?.destination).toMatchObject({ address: "192.0.2.30", port: 5070 });
  });

  it("count every error response sent to a stranger, retransmissions included", () => {
    const { transport, requests, timers, admission } = setup();
    admission.errorsLeft = 3;
    transport.inject(requestText("INVITE", { branch: "z9hG4bKe1" }), STRANGER);
    requests[0]!.tx!.respond(createResponse(requests[0]!.request, 403));
    timers.advance(32_000);
    // Timer G would retransmit the 403 about ten times (RFC 3261 §17.2.1); only 3 were admitted.
    expect(transport.sent).toHaveLength(3);
    // A 2xx is not an error response: not counted.
    transport.inject(requestText("OPTIONS", { branch: "z9hG4bKo1" }), STRANGER);
    requests[1]!.tx!.respond(createResponse(requests[1]!.request, 200));
    expect(transport.sent).toHaveLength(4);
  });
});
