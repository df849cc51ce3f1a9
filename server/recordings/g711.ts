/**
 * G.711 decoding (ITU-T Rec. G.711, 1988): one 8-bit µ-law or A-law sample -> one 16-bit linear sample.
 * The recordings' trunk and operator media are G.711 (the operator's browser is offered the trunk's codecs only,
 * see server/media/leg-profiles.ts), so these two tables are all the decoding a recording needs.
 */

function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return sign ? -magnitude : magnitude;
}

function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const sign = a & 0x80;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  magnitude = Math.min(magnitude, 32767);
  return sign ? magnitude : -magnitude;
}

/** Linear value of every µ-law byte (index = byte). µ-law 0xFF and 0x7F are silence (0). */
export const ULAW_TABLE: Int16Array = Int16Array.from({ length: 256 }, (_, i) => ulawToLinear(i));
/** Linear value of every A-law byte (index = byte). A-law 0xD5 is the smallest positive value (8). */
export const ALAW_TABLE: Int16Array = Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i));

/** RTP static payload types of G.711 (RFC 3551 §6): 0 PCMU, 8 PCMA. */
export const G711_PAYLOAD_TYPES: Readonly<Record<number, Int16Array>> = { 0: ULAW_TABLE, 8: ALAW_TABLE };
