import { describe, expect, it } from "vitest";
import { EventEmitter } from "node:events";
import { WebSocketTransport, type WebSocketLike } from "../../../server/sip/websocket-transport.js";
import { TransactionLayer } from "../../../server/sip/transaction-layer.js";
import { createResponse } from "../../../server/sip/response.js";
import { parseMessage } from "../../../server/sip/parser.js";
import { FakeTimers } from "./fake-timers.js";
import { requestText } from "./sip-test-helpers.js";

class FakeWs extends EventEmitter implements WebSocketLike {
  readyState = 1;
  readonly sent: string[] = [];
  closedWith: number | undefined;
  send(data: string | Buffer, cb?: (err?: Error) => void): void {
    this.sent.push(data.toString());
    cb?.();
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
    this.emit("close");
  }
}

const wsRequest = requestText("OPTIONS", { via: "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKws1" });

describe("WebSocketTransport (RFC 7118)", () => {
  it("delivers one message per frame and answers on the same connection", async () => {
    const transport = new WebSocketTransport("WSS");
    const layer = new TransactionLayer({
      transports: [transport],
      timers: new FakeTimers(),
      user: { onRequest: (req, tx) => tx?.respond(createResponse(req, 200)) },
    });
    const ws = new FakeWs();
    transport.attachWebSocketConnection(ws, { remote: { address: "203.0.113.5", port: 51000 }, secure: true });
    ws.emit("message", Buffer.from(wsRequest), false);
    await new Promise((r) => setImmediate(r));
    expect(ws.sent).toHaveLength(1);
    const response = parseMessage(ws.sent[0] ?? "");
    expect(response.ok && response.message.type === "response" && response.message.status).toBe(200);
    expect(response.ok && response.message.headers.get("Via")).toContain("received=203.0.113.5");
    layer.shutdown();
  });

  it("closes with 1009 on oversized frames and ignores CRLF keep-alives", () => {
    const transport = new WebSocketTransport("WS", { maxMessageSize: 100 });
    const received: Buffer[] = [];
    transport.onMessage((raw) => received.push(raw));
    const ws = new FakeWs();
    transport.attachWebSocketConnection(ws, { remote: { address: "203.0.113.5", port: 1 }, secure: false });
    ws.emit("message", Buffer.from("\r\n\r\n"), false);
    expect(received).toHaveLength(0);
    ws.emit("message", Buffer.alloc(200, 0x41), true);
    expect(ws.closedWith).toBe(1009);
    expect(transport.connectionCount).toBe(0);
  });

  it("finds the connection by remote address when the destination has no handle", async () => {
    const transport = new WebSocketTransport("WS");
    const ws = new FakeWs();
    transport.attachWebSocketConnection(ws, { remote: { address: "203.0.113.9", port: 4000 }, secure: false });
    await transport.send(Buffer.from("OPTIONS"), { transport: "WS", address: "203.0.113.9", port: 4000 });
    expect(ws.sent).toEqual(["OPTIONS"]);
  });

  it("rejects sends when no connection is open", async () => {
    const transport = new WebSocketTransport("WS");
    await expect(transport.send(Buffer.from("x"), { transport: "WS", address: "198.51.100.1", port: 1 })).rejects.toThrow();
  });
});
