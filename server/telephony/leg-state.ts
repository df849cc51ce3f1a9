/**
 * The two building blocks every call leg (and the call session above them) is made of:
 * - {@link StateMachine}: an enum of states, a table of legal moves, one `move` that throws
 *   {@link IllegalTransitionError} on anything else (the pattern of SIP.js `Session.stateTransition`);
 * - {@link TypedEmitter}: events with typed arguments (the pattern of socket.io's `typed-events.ts`), so a leg says
 *   what happened (`answered`, `ended`, `held`, `dtmf`) and whoever owns it subscribes, instead of callback fields
 *   assigned from outside.
 */
import { EventEmitter } from "node:events";

/** A move the transition table does not allow: a bug in whoever asked for it (or a race it should have handled). */
export class IllegalTransitionError extends Error {
  override name = "IllegalTransitionError";
  constructor(
    readonly machine: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${machine}: illegal transition ${from} -> ${to}`);
  }
}

/** For each state, the states it may move to. A state listing nothing is final. */
export type TransitionTable<S extends string> = { readonly [K in S]: readonly S[] };

/** A finite state machine over `S`, driven only through {@link move}. */
export class StateMachine<S extends string> {
  private current: S;

  constructor(
    /** Named in errors, e.g. `trunk-leg`. */
    readonly name: string,
    private readonly table: TransitionTable<S>,
    initial: S,
    /** Called after every move (from, to); not for refused ones. */
    private readonly onMove?: (from: S, to: S) => void,
  ) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  /** True when the machine is in one of `states`. */
  is(...states: S[]): boolean {
    return states.includes(this.current);
  }

  /** True when `to` is a legal move from the current state. */
  can(to: S): boolean {
    return this.table[this.current].includes(to);
  }

  /**
   * Moves to `to`. Throws {@link IllegalTransitionError} when the table has no such move (a move to the current
   * state is illegal unless the table lists it).
   */
  move(to: S): void {
    if (!this.can(to)) throw new IllegalTransitionError(this.name, this.current, to);
    const from = this.current;
    this.current = to;
    this.onMove?.(from, to);
  }

  /** True when the current state has no way out. */
  get final(): boolean {
    return this.table[this.current].length === 0;
  }
}

type Listener = (...args: unknown[]) => void;

/** An event map: event name -> listener signature. */
export type EventMap = { [event: string]: (...args: never[]) => void };

/**
 * An EventEmitter whose event names and arguments are checked by the compiler. Listeners run synchronously in the
 * order they were added; an exception in one propagates to the emitter (as Node's EventEmitter does).
 */
export class TypedEmitter<Events extends EventMap> {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    // A leg has a handful of listeners; the warning would only hide a real leak elsewhere.
    this.emitter.setMaxListeners(32);
  }

  on<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    this.emitter.on(event, listener as unknown as Listener);
    return this;
  }

  once<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    this.emitter.once(event, listener as unknown as Listener);
    return this;
  }

  off<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    this.emitter.off(event, listener as unknown as Listener);
    return this;
  }

  /** Drops every listener (a finished leg keeps nobody alive). */
  removeAllListeners(): void {
    this.emitter.removeAllListeners();
  }

  listenerCount<E extends keyof Events & string>(event: E): number {
    return this.emitter.listenerCount(event);
  }

  protected emit<E extends keyof Events & string>(event: E, ...args: Parameters<Events[E]>): void {
    this.emitter.emit(event, ...args);
  }
}
