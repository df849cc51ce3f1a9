/**
 * Shared machinery for the four RFC 3261 §17 transaction state machines.
 * @module
 */
import type { Logger } from "./logger.js";
import type { TimerConfig, TimerHandle, TimerScheduler } from "./timers.js";

export type TransactionState = "calling" | "trying" | "proceeding" | "completed" | "confirmed" | "accepted" | "terminated";

/** What every transaction needs from its environment; supplied by the TransactionLayer. */
export interface TransactionContext {
  timers: TimerScheduler;
  config: TimerConfig;
  /** True over TCP/TLS/WS: retransmission timers are not started (RFC 3261 §17). */
  reliable: boolean;
  logger: Logger;
  /** Called exactly once when the transaction reaches Terminated, so the owner can forget it. */
  onTerminated: (transaction: Transaction) => void;
}

export abstract class Transaction {
  private readonly timerHandles = new Map<string, TimerHandle>();
  protected currentState: TransactionState;

  protected constructor(
    /** Matching key (RFC 3261 §17.1.3 / §17.2.3), see transaction-key.ts. */
    readonly key: string,
    protected readonly context: TransactionContext,
    initial: TransactionState,
  ) {
    this.currentState = initial;
  }

  get state(): TransactionState {
    return this.currentState;
  }

  /** Names of running timers, for tests and diagnostics. */
  get activeTimers(): string[] {
    return [...this.timerHandles.keys()];
  }

  protected startTimer(name: string, delayMs: number, fire: () => void): void {
    this.stopTimer(name);
    const handle = this.context.timers.set(() => {
      this.timerHandles.delete(name);
      if (this.currentState !== "terminated") fire();
    }, delayMs);
    this.timerHandles.set(name, handle);
  }

  protected stopTimer(name: string): void {
    const handle = this.timerHandles.get(name);
    if (handle !== undefined) {
      this.context.timers.clear(handle);
      this.timerHandles.delete(name);
    }
  }

  protected transition(state: TransactionState): void {
    this.context.logger.debug("sip transaction state", { key: this.key, from: this.currentState, to: state });
    this.currentState = state;
  }

  /** Moves to Terminated, stops all timers, and tells the owner once. */
  terminate(): void {
    if (this.currentState === "terminated") return;
    for (const handle of this.timerHandles.values()) this.context.timers.clear(handle);
    this.timerHandles.clear();
    this.transition("terminated");
    this.context.onTerminated(this);
  }

  /** Sends bytes, turning a rejected send into the RFC 3261 §17.1.4/§17.2.4 transport error path. */
  protected transmit(send: () => Promise<void>): void {
    send().catch((err: unknown) => {
      if (this.currentState === "terminated") return;
      this.onTransportError(err instanceof Error ? err : new Error(String(err)));
    });
  }

  protected abstract onTransportError(error: Error): void;
}
