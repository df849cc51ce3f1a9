/**
 * The incoming-call ring, synthesized with WebAudio so there is no sound file to ship, cache or
 * translate: a double burst of two mixed tones (the familiar "ring-ring"), repeated until stopped.
 *
 * Browsers may refuse to start audio before the user has interacted with the page; the ring is then
 * silent and the visual alert plus the aria-live announcement still tell the operator.
 */
const TONES_HZ = [400, 450];
/** [start, end] offsets in seconds inside one cycle. */
const BURSTS: Array<[number, number]> = [
  [0, 0.4],
  [0.6, 1.0],
];
const CYCLE_MS = 3_000;
const VOLUME = 0.12;
/** A few ms of fade so the tone starts and stops without clicks. */
const RAMP_S = 0.015;

export class Ringtone {
  private context?: AudioContext;
  private timer?: ReturnType<typeof setInterval>;

  /** `sinkId`: the output device to ring on (e.g. the laptop speaker while the headset is on); default output if absent. */
  constructor(private readonly sinkId?: string) {}

  start(): void {
    if (this.context || typeof AudioContext === "undefined") return;
    const context = new AudioContext();
    this.context = context;
    context.resume().catch(() => undefined);
    // AudioContext.setSinkId (Chromium 110+): ring on the chosen device; the default output otherwise.
    const sinkable = context as AudioContext & { setSinkId?: (id: string) => Promise<void> };
    if (this.sinkId && sinkable.setSinkId) sinkable.setSinkId(this.sinkId).catch(() => undefined);
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(context.destination);
    for (const frequency of TONES_HZ) {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start();
    }
    const ring = () => {
      const now = context.currentTime;
      for (const [from, to] of BURSTS) {
        gain.gain.setValueAtTime(0, now + from);
        gain.gain.linearRampToValueAtTime(VOLUME, now + from + RAMP_S);
        gain.gain.setValueAtTime(VOLUME, now + to - RAMP_S);
        gain.gain.linearRampToValueAtTime(0, now + to);
      }
    };
    ring();
    this.timer = setInterval(ring, CYCLE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    // Closing releases the audio device (and the oscillators with it).
    this.context?.close().catch(() => undefined);
    this.context = undefined;
  }
}
