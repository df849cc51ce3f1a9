/**
 * What the INVITE and non-INVITE client transactions share (RFC 3261 §17.1): the request is
 * serialised once, retransmitted by a doubling timer over unreliable transports only, and
 * given up after 64*T1 (Timer B / Timer F).
 * @module
 */
import type { SipRequest } from "./message.js";
import { serializeMessage } from "./serializer.js";
import { Transaction, type TransactionContext, type TransactionState } from "./transaction.js";
import type { ClientTransactionUser } from "./client-transaction-user.js";

export abstract class ClientTransactionBase extends Transaction {
  private readonly requestBytes: Buffer;
  /** Current retransmission interval; starts at T1. */
  protected retransmitInterval: number;

  protected constructor(
    key: string,
    context: TransactionContext,
    initial: TransactionState,
    readonly request: SipRequest,
    protected readonly sendBytes: (data: Buffer) => Promise<void>,
    protected readonly user: ClientTransactionUser,
    private readonly timerNames: { retransmit: string; timeout: string },
  ) {
    super(key, context, initial);
    this.requestBytes = serializeMessage(request);
    this.retransmitInterval = context.config.t1;
  }

  /** Interval after the current one fires (Timer A doubles; Timer E is capped by T2). */
  protected abstract nextRetransmitInterval(): number;

  /** Sends the request, arms the retransmission timer (unreliable only) and the timeout timer. */
  start(): void {
    this.transmit(() => this.sendBytes(this.requestBytes));
    if (!this.context.reliable) this.armRetransmit();
    this.startTimer(this.timerNames.timeout, 64 * this.context.config.t1, () => {
      this.terminate();
      this.user.onTimeout?.();
    });
  }

  /** Stops both start() timers once a response makes them moot. */
  protected stopRequestTimers(): void {
    this.stopTimer(this.timerNames.retransmit);
    this.stopTimer(this.timerNames.timeout);
  }

  private armRetransmit(): void {
    this.startTimer(this.timerNames.retransmit, this.retransmitInterval, () => {
      this.transmit(() => this.sendBytes(this.requestBytes));
      this.retransmitInterval = this.nextRetransmitInterval();
      this.armRetransmit();
    });
  }
}
