/** The operator leg on its own, with a fake SIP side: events, transitions, and what it sends. */
import { describe, expect, it } from "vitest";
import { createResponse, type ClientTransactionUser, type SipRequest } from "../../../server/sip";
import { silentLogger } from "../../../server/logger";
import type { LegSignalling } from "../../../server/telephony/leg-signalling";
import { OperatorLeg } from "../../../server/telephony/operator-leg";
import type { Binding } from "../../../server/telephony/registrar";

function fakeSip() {
  const sent: SipRequest[] = [];
  const acks: number[] = [];
  const byes: number[] = [];
  let user: ClientTransactionUser | undefined;
  const sip: LegSignalling = {
    logger: silentLogger,
    localContact: () => ({ hostport: "hotline.invalid", transport: "WS" }),
    sendRequest: (request, _destination, transactionUser) => {
      sent.push(request);
      if (request.method === "INVITE") user = transactionUser;
      return {} as ReturnType<LegSignalling["sendRequest"]>;
    },
    sendAck: (_dialog, cseq = 1) => void acks.push(cseq),
    sendInDialog: () => void byes.push(1),
    sendInDialogRequest: () => {},
    sendReInvite: () => Promise.resolve({ status: 200, sdp: "v=0" }),
  };
  return { sip, sent, acks, byes, respond: (status: number) => user!.onResponse(createResponse(sent[0]!, status, { toTag: "softphone", body: status === 200 ? "v=0 answer" : undefined })) };
}

const binding = { userId: 7, username: "amina", contact: "sip:amina@x.invalid;transport=ws", connection: { remote: { address: "127.0.0.1", port: 1 } }, expiresAt: 0 } as unknown as Binding;

describe("operator leg", () => {
  it("rings, answers once (a retransmitted 200 is ACKed again, not answered twice), holds, and sends BYE on hang-up", () => {
    const { sip, acks, byes, respond } = fakeSip();
    const leg = new OperatorLeg(sip, binding);
    const events: string[] = [];
    leg.on("ringing", () => events.push("ringing")).on("answered", (sdp) => events.push(`answered:${sdp}`)).on("dialog-created", () => events.push("filed"));
    leg.send("v=0 offer", [], "+3312345678");
    respond(180);
    respond(200);
    respond(200);
    expect(events).toEqual(["filed", "ringing", "answered:v=0 answer"]);
    expect(acks).toEqual([1, 1]);
    leg.setHeld(true);
    expect(leg.fsm.state).toBe("held");
    leg.hangup();
    expect(byes).toHaveLength(1);
    expect(leg.fsm.state).toBe("ended");
  });

  it("a declined offer fails with its status and releases the leg; an answer after a cancel gets ACK and BYE", () => {
    const declined = fakeSip();
    const leg = new OperatorLeg(declined.sip, binding);
    const failures: number[] = [];
    const released: number[] = [];
    leg.on("failed", (status) => failures.push(status)).on("released", (linger) => released.push(linger));
    leg.send("v=0", [], "x");
    declined.respond(486);
    expect(failures).toEqual([486]);
    expect(released).toEqual([0]);

    const crossing = fakeSip();
    const cancelled = new OperatorLeg(crossing.sip, binding);
    cancelled.send("v=0", [], "x");
    cancelled.cancel();
    expect(crossing.sent.map((r) => r.method)).toEqual(["INVITE", "CANCEL"]);
    crossing.respond(200);
    expect(crossing.acks).toHaveLength(1);
    expect(crossing.byes).toHaveLength(1);
  });
});
