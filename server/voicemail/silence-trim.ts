/**
 * Post-hoc silence trimming of a voicemail (not live detection): the message's leading and trailing silence is cut,
 * so a caller who said nothing and waited for the limit (or hung up in silence) leaves no message, and a message is
 * not followed by a minute of line noise. Silence inside the message is kept (pauses are part of speech).
 *
 * A 20 ms frame is "sound" when its RMS level is above {@link SILENCE_DBFS} (-55 dBFS: above G.711 idle noise,
 * below quiet speech, which sits around -30 to -45 dBFS); a margin of {@link TRIM_MARGIN_MS} is kept on each side.
 * Input and output: mono signed 16-bit PCM at `sampleRate`. Pure.
 */

export const SILENCE_DBFS = -55;
export const TRIM_MARGIN_MS = 300;
const FRAME_MS = 20;

/** The range of samples to keep, [start, end); empty (start === end) when every frame is silent. */
export function soundRange(samples: Int16Array, sampleRate = 8000, silenceDbfs = SILENCE_DBFS, marginMs = TRIM_MARGIN_MS): { start: number; end: number } {
  const frame = Math.round((sampleRate * FRAME_MS) / 1000);
  const threshold = 32768 * 10 ** (silenceDbfs / 20);
  let first = -1;
  let last = -1;
  for (let at = 0; at < samples.length; at += frame) {
    const end = Math.min(samples.length, at + frame);
    let sum = 0;
    for (let i = at; i < end; i++) sum += samples[i]! * samples[i]!;
    if (Math.sqrt(sum / (end - at)) > threshold) {
      if (first < 0) first = at;
      last = end;
    }
  }
  if (first < 0) return { start: 0, end: 0 };
  const margin = Math.round((sampleRate * marginMs) / 1000);
  return { start: Math.max(0, first - margin), end: Math.min(samples.length, last + margin) };
}

/** `pcm` (s16le mono) without its leading and trailing silence (see {@link soundRange}); a view, not a copy. */
export function trimSilence(pcm: Buffer, sampleRate = 8000): Buffer {
  const aligned = Buffer.from(pcm); // Int16Array needs an even byte offset
  const samples = new Int16Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.length / 2));
  const { start, end } = soundRange(samples, sampleRate);
  return aligned.subarray(start * 2, end * 2);
}
