/**
 * Fakes (not mocks) for the call path's unit tests: a caller leg, operator legs and the call's media that record
 * what was asked of them and keep the state a real one would, with no socket and no rtpengine.
 */
import type { ExternalCallEvents, ExternalDialler } from "../../../server/calls/external-party";
import type { Binding } from "../../../server/telephony/registrar";
import type { CallMedia, Sound } from "../../../server/calls/call-media";
import type { RecordStore, RecordWrite } from "../../../server/calls/call-records";
import type { OperatorLegSource } from "../../../server/calls/call-controller";
import { TypedEmitter } from "../../../server/telephony/leg-state";
import type { EndReason, ReofferResult } from "../../../server/telephony/leg-signalling";
import type { OperatorLegEvents } from "../../../server/telephony/operator-leg";
import type { TrunkLeg, TrunkLegEvents, TrunkLegMedia } from "../../../server/telephony/trunk-leg";

let counter = 0;

/** The caller's leg: answered or rejected by the controller, hung up by either side. */
export class FakeTrunk extends TypedEmitter<TrunkLegEvents> {
  readonly sipCallId = `sip-${++counter}`;
  readonly remoteTag = `tag-${counter}`;
  readonly callerName = undefined;
  readonly callerAsserted = false;
  readonly fromBrowser = false;
  readonly offerSdp: string = "v=0 caller";
  dialedNumber: string;
  readonly dialedCandidates: string[];
  ended = false;
  answered: string | undefined;
  rejected: number | undefined;
  endReason: EndReason | undefined;
  readonly infoDigits: string[] = [];
  media: TrunkLegMedia | undefined;

  constructor(
    readonly callerNumber: string,
    dialed: string,
  ) {
    super();
    this.dialedNumber = dialed;
    this.dialedCandidates = [dialed];
  }
  answer(sdp: string): void {
    this.answered = sdp;
  }
  reject(status: number): void {
    if (this.ended) return;
    this.rejected = status;
    this.ended = true;
  }
  attachMedia(media: TrunkLegMedia): void {
    this.media = media;
  }
  hangup(reason: EndReason = "local"): void {
    if (this.ended) return;
    this.ended = true;
    this.endReason = reason;
    this.emit("ended", reason);
  }
  /** The caller hangs up (BYE). */
  bye(): void {
    this.hangup("bye");
  }
  fire<E extends keyof TrunkLegEvents & string>(event: E, ...args: Parameters<TrunkLegEvents[E]>): void {
    this.emit(event, ...args);
  }
  reoffer(): Promise<ReofferResult> {
    return Promise.resolve({ status: 200, sdp: "v=0 caller again" });
  }
  sendDtmfInfo(digit: string): Promise<number> {
    this.infoDigits.push(digit);
    return Promise.resolve(200);
  }
  /** For the controller's `onInboundCall`, which takes the real class. */
  asTrunkLeg(): TrunkLeg {
    return this as unknown as TrunkLeg;
  }
}

/** An operator's leg toward a softphone that answers, declines or drops when the test says so. */
export class FakeOperatorLeg extends TypedEmitter<OperatorLegEvents> {
  readonly localTag = `op-${++counter}`;
  ended = false;
  sent: string | undefined;
  state: "new" | "inviting" | "answered" | "held" | "ended" = "new";
  byeSent = false;
  cancelled = false;

  constructor(readonly operatorId: string) {
    super();
  }
  /** The INVITE's extra headers (X-Hotline-…). */
  headers: Array<[string, string]> = [];
  send(sdp: string, headers: Array<[string, string]> = []): void {
    this.sent = sdp;
    this.headers = headers;
    this.state = "inviting";
  }
  cancel(): void {
    if (this.ended) return;
    if (this.state === "answered" || this.state === "held") return this.hangup();
    this.cancelled = true;
    this.end();
  }
  hangup(): void {
    if (this.ended) return;
    if (this.state === "answered" || this.state === "held") this.byeSent = true;
    this.end();
  }
  setHeld(held: boolean): void {
    if (this.state === "answered" && held) this.state = "held";
    else if (this.state === "held" && !held) this.state = "answered";
  }
  readonly reoffers: string[] = [];
  reoffer(sdp: string): Promise<ReofferResult> {
    this.reoffers.push(sdp);
    return Promise.resolve({ status: 200, sdp: "v=0 browser again" });
  }
  /** The softphone rings (180). */
  ring(): void {
    if (this.state === "inviting") this.emit("ringing");
  }
  /** The softphone answers (only once the INVITE left). */
  answer(): void {
    if (this.ended || this.state !== "inviting") return;
    this.state = "answered";
    this.emit("answered", "v=0 browser");
  }
  decline(status = 486): void {
    if (this.ended || this.state !== "inviting") return;
    this.end();
    this.emit("failed", status, "Busy Here");
  }
  /** The operator hangs up (BYE), or their connection dies (transport-error). */
  drop(reason: EndReason = "bye"): void {
    if (this.ended) return;
    const wasAnswered = this.state === "answered" || this.state === "held";
    this.end();
    if (wasAnswered) this.emit("ended", reason);
    else this.emit("failed", 503, "Operator unreachable");
  }
  private end(): void {
    this.ended = true;
    this.state = "ended";
  }
}

/** Hands out fake legs for registered operators and keeps every leg it made. */
export class FakeLegSource implements OperatorLegSource {
  readonly legs: FakeOperatorLeg[] = [];
  readonly registered = new Set<number>();
  readonly registrar = {
    binding: (userId: number): Binding | undefined => (this.registered.has(userId) ? ({ userId } as unknown as Binding) : undefined),
  };
  createOperatorLeg(binding: Binding): FakeOperatorLeg {
    const leg = new FakeOperatorLeg(String(binding.userId));
    this.legs.push(leg);
    return leg;
  }
  /** The newest leg of an operator. */
  of(operatorId: string): FakeOperatorLeg | undefined {
    return this.legs.filter((leg) => leg.operatorId === operatorId).at(-1);
  }
}

/** One call's media: the state machine of MediaBridge in miniature, and every command asked of it. */
export class FakeMedia implements CallMedia {
  static open = new Set<FakeMedia>();
  readonly calls: string[] = [];
  state: "new" | "parked" | "offering" | "bridged" | "closed" = "new";
  held = false;
  playing: Sound | undefined;
  readonly dtmf: string[] = [];
  dtmfByRtp = true;

  constructor(readonly callId: string) {
    FakeMedia.open.add(this);
  }
  private step(name: string, allowed: FakeMedia["state"][]): void {
    this.calls.push(name);
    if (!allowed.includes(this.state)) throw new Error(`${name} not allowed in ${this.state}`);
  }
  /** When set, each new call's media answer waits for what it returns (rtpengine's round trip, per call). */
  static answerWait: ((media: FakeMedia) => Promise<void> | undefined) | undefined;
  async answerCaller(): Promise<string> {
    this.step("answerCaller", ["new"]);
    await FakeMedia.answerWait?.(this);
    this.state = "parked";
    return "v=0 answer";
  }
  /** While set, every play waits for it (rtpengine slow to answer `play media`). */
  static playsWait: Promise<void> | undefined;
  async playToCaller(sound: Sound): Promise<number | undefined> {
    this.step(`play:${sound}`, ["parked", "offering", "bridged"]);
    if (FakeMedia.playsWait) {
      await FakeMedia.playsWait;
      this.calls.push(`played:${sound}`);
    }
    this.playing = sound;
    return 0;
  }
  async stopCallerPlayback(): Promise<void> {
    this.playing = undefined;
  }
  async offerToOperator(tag: string): Promise<string> {
    this.step(`offer:${tag}`, ["parked"]);
    this.state = "offering";
    return "v=0 webrtc offer";
  }
  readonly lateAnswers: string[] = [];
  async callerAnswered(sdp: string): Promise<void> {
    this.lateAnswers.push(sdp);
  }
  async offerToExternal(tag: string): Promise<string> {
    this.step(`external-offer:${tag}`, ["parked"]);
    this.state = "offering";
    return "v=0 plain rtp offer";
  }
  async operatorAnswered(): Promise<unknown> {
    this.step("operatorAnswered", ["offering"]);
    this.state = "bridged";
    this.playing = undefined;
    return undefined;
  }
  async abandonOperatorAttempt(): Promise<unknown> {
    this.calls.push("abandon");
    if (this.state === "offering") this.state = "parked";
    return undefined;
  }
  async operatorLegLost(options: { apology?: boolean } = {}): Promise<unknown> {
    this.step("operatorLegLost", ["bridged"]);
    this.held = false;
    this.state = "parked";
    this.playing = options.apology ? "apology" : "hold-music";
    return undefined;
  }
  async holdCaller(): Promise<void> {
    this.step("holdCaller", ["bridged"]);
    this.held = true;
    this.playing = "hold-music";
  }
  async resumeCaller(): Promise<void> {
    this.step("resumeCaller", ["bridged"]);
    this.held = false;
    this.playing = undefined;
  }
  async startRecording(): Promise<{ callerPort: number }> {
    this.step("startRecording", ["bridged"]);
    return { callerPort: 40000 };
  }
  async sendDtmf(digit: string): Promise<void> {
    this.step(`dtmf:${digit}`, ["bridged"]);
    this.dtmf.push(digit);
  }
  async close(): Promise<void> {
    this.calls.push("close");
    this.state = "closed";
    FakeMedia.open.delete(this);
  }
}

/** Call records kept in memory. */
export class MemoryRecordStore implements RecordStore {
  readonly writes: RecordWrite[] = [];
  async apply(writes: readonly RecordWrite[]): Promise<void> {
    this.writes.push(...writes);
  }
  events(type: string): Array<Record<string, unknown>> {
    return this.writes.flatMap((w) => (w.op === "append-events" ? w.events.filter((e) => e.type === type) : [])) as unknown as Array<Record<string, unknown>>;
  }
  patches(callId: string): Array<Record<string, unknown>> {
    return this.writes.flatMap((w) => (w.op === "update-call" && w.id === callId ? [w.patch as Record<string, unknown>] : []));
  }
}

/** Lets every queued promise (media chains, record writes) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

/** The trunk toward external numbers: every call placed, to answer, fail or hang up by hand. */
export class FakeDialler implements ExternalDialler {
  readonly placed: Array<{ number: string; queueId: number; sdp: string; events: ExternalCallEvents; ended: boolean }> = [];
  allowed = (number: string) => /^0[1-9]/.test(number);
  readonly reoffers: string[] = [];
  reofferStatus = 200;
  async check(number: string): Promise<{ ok: true; number: string } | { ok: false; reason: string }> {
    return this.allowed(number) ? { ok: true, number } : { ok: false, reason: "not-allowed" };
  }
  async place(args: { number: string; operatorId: number; queueId: number; sdp: string; events: ExternalCallEvents }) {
    const call = { number: args.number, queueId: args.queueId, sdp: args.sdp, events: args.events, ended: false };
    this.placed.push(call);
    return {
      ok: true as const,
      call: {
        end: () => void (call.ended = true),
        reoffer: async (sdp: string) => {
          this.reoffers.push(sdp);
          return { status: this.reofferStatus, sdp: "v=0 external re-answer" };
        },
      },
    };
  }
}
