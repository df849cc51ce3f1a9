/**
 * A call's hold time, part of AHT (average handle time = talk + hold + wrap-up, as contact-centre reports define it):
 * the caller's own holds (their re-INVITE says sendonly or inactive, RFC 3264 §8.4) and the operator's holds from the
 * desk (the hold button, a consultation), summed into the record's `hold_ms`, which is written at the end of each
 * hold. Times in epoch ms; lengths in ms.
 * @module
 */
export class HoldTiming {
  private totalMs = 0;
  private callerSince: number | undefined;
  private deskSince: number | undefined;

  /** `write` gets the call's hold time so far, ms, each time a hold ends. */
  constructor(
    private readonly now: () => number,
    private readonly write: (holdMs: number) => void,
  ) {}

  /** Since when the caller's side holds the call, epoch ms; undefined when it does not. */
  get callerHeldSince(): number | undefined {
    return this.callerSince;
  }

  /** True while the operator holds the caller from the desk. */
  get deskHolding(): boolean {
    return this.deskSince !== undefined;
  }

  /** The caller's side held (`true`) or resumed (`false`); a repeated hold or resume changes nothing. */
  callerHeld(held: boolean): void {
    const now = this.now();
    if (held && this.callerSince === undefined) this.callerSince = now;
    if (!held && this.callerSince !== undefined) {
      this.totalMs += now - this.callerSince;
      this.callerSince = undefined;
      this.write(this.totalMs);
    }
  }

  /** The operator holds the caller from the desk: the hold is timed from now. */
  deskHeld(): void {
    this.deskSince = this.now();
  }

  /** The desk hold ends, if one runs: its time is added and written. Returns this hold's length, ms (0: none ran). */
  deskResumed(): number {
    if (this.deskSince === undefined) return 0;
    const heldMs = this.now() - this.deskSince;
    this.deskSince = undefined;
    this.totalMs += heldMs;
    this.write(this.totalMs);
    return heldMs;
  }
}
