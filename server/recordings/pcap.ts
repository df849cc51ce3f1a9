/**
 * Reader of the pcap files rtpengine writes with `--recording-method=pcap` (measured on rtpengine 10.5, Debian
 * 12, default `--recording-format=raw`): the classic libpcap format (little-endian magic a1b2c3d4, microsecond
 * timestamps), link type 101 (LINKTYPE_RAW: each record starts with an IPv4 header), one record per packet
 * rtpengine RECEIVED, already decrypted (SRTP from a browser is stored as plain RTP). Source = the party's address,
 * destination = the rtpengine port that faces that party. Sounds rtpengine plays itself are not in the file.
 * `--recording-format=eth` (link type 1, a 14-byte Ethernet header) and big-endian or nanosecond files are read too.
 *
 * Format: https://www.tcpdump.org/manpages/pcap-savefile.5.html, link types: https://www.tcpdump.org/linktypes.html
 */

/** One UDP datagram of the capture. */
export interface CapturedDatagram {
  /** Capture time, ms since the epoch (fractional). */
  atMs: number;
  srcHost: string;
  srcPort: number;
  dstHost: string;
  dstPort: number;
  /** The UDP payload (an RTP or RTCP packet). A view into the file's buffer. */
  payload: Buffer;
}

/** The file is not a pcap this reader understands. */
export class PcapFormatError extends Error {
  override name = "PcapFormatError";
}

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_IPV4 = 228;

/**
 * Every IPv4/UDP datagram of a pcap file, in file order. Non-UDP or non-IPv4 records are skipped; a record cut short
 * at the end (rtpengine killed mid-write) ends the list. Throws {@link PcapFormatError} on an unknown magic or link type.
 */
export function readPcapDatagrams(file: Buffer): CapturedDatagram[] {
  if (file.length < 24) throw new PcapFormatError("shorter than a pcap header");
  const magicLe = file.readUInt32LE(0);
  let le: boolean;
  let nanos: boolean;
  if (magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d) [le, nanos] = [true, magicLe === 0xa1b23c4d];
  else if (file.readUInt32BE(0) === 0xa1b2c3d4 || file.readUInt32BE(0) === 0xa1b23c4d) [le, nanos] = [false, file.readUInt32BE(0) === 0xa1b23c4d];
  else throw new PcapFormatError(`unknown magic ${magicLe.toString(16)}`);
  const u32 = (at: number) => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const linkType = u32(20) & 0x0fffffff;
  if (linkType !== LINKTYPE_RAW && linkType !== LINKTYPE_IPV4 && linkType !== LINKTYPE_ETHERNET) {
    throw new PcapFormatError(`unsupported link type ${linkType}`);
  }
  const out: CapturedDatagram[] = [];
  let at = 24;
  while (at + 16 <= file.length) {
    const seconds = u32(at);
    const fraction = u32(at + 4);
    const capturedLength = u32(at + 8);
    const start = at + 16;
    const end = start + capturedLength;
    if (end > file.length) break;
    at = end;
    let ip = start;
    if (linkType === LINKTYPE_ETHERNET) {
      if (capturedLength < 14 || file.readUInt16BE(start + 12) !== 0x0800) continue;
      ip = start + 14;
    }
    if (ip + 20 > end || file[ip]! >> 4 !== 4) continue;
    const headerLength = (file[ip]! & 0x0f) * 4;
    if (file[ip + 9] !== 17 || ip + headerLength + 8 > end) continue;
    const udp = ip + headerLength;
    const udpLength = file.readUInt16BE(udp + 4);
    const payloadEnd = Math.min(end, udp + Math.max(8, udpLength));
    out.push({
      atMs: seconds * 1000 + (nanos ? fraction / 1e6 : fraction / 1e3),
      srcHost: file.subarray(ip + 12, ip + 16).join("."),
      dstHost: file.subarray(ip + 16, ip + 20).join("."),
      srcPort: file.readUInt16BE(udp),
      dstPort: file.readUInt16BE(udp + 2),
      payload: file.subarray(udp + 8, payloadEnd),
    });
  }
  return out;
}
