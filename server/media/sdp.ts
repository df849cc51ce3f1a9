/**
 * Small pure SDP text helpers for the fix-ups rtpengine 10.5 cannot do itself.
 *
 * These are line-level edits, not a full SDP parser: they keep every line they do not touch byte-for-byte and
 * write CRLF line endings as RFC 4566 requires. Session-level lines are those before the first `m=` line.
 */

interface SdpSections {
  session: string[];
  media: string[][];
}

function splitSdp(sdp: string): SdpSections {
  const lines = sdp.split(/\r?\n/).filter((line) => line.length > 0);
  const session: string[] = [];
  const media: string[][] = [];
  for (const line of lines) {
    if (line.startsWith("m=")) media.push([line]);
    else if (media.length > 0) media[media.length - 1]?.push(line);
    else session.push(line);
  }
  return { session, media };
}

function joinSdp({ session, media }: SdpSections): string {
  return [...session, ...media.flat()].join("\r\n") + "\r\n";
}

/** The `a=mid` value of a media section, if any. */
function midOf(section: string[]): string | undefined {
  const line = section.find((l) => l.startsWith("a=mid:"));
  return line?.slice("a=mid:".length).trim();
}

/** A media section rejected with port 0 must not be listed in a BUNDLE group (RFC 8843 section 7.3.3). */
function isRejected(section: string[]): boolean {
  return /^m=\S+ 0[ /]/.test(section[0] ?? "");
}

/**
 * Puts `a=group:BUNDLE <mids>` back when the SDP has mids but no BUNDLE group.
 *
 * Why: rtpengine 10.5 drops the group line, and Chrome with `bundlePolicy: 'max-bundle'` rejects an answer without
 * it. rtpengine gives every section its own port, so the group is only correct when there is one live section or
 * when the browser already bundled (both sides share the first section's transport): we add it in those cases and
 * leave multi-section SDPs with distinct ports alone.
 */
export function ensureBundleGroup(sdp: string): string {
  const parts = splitSdp(sdp);
  if (parts.session.some((l) => l.startsWith("a=group:BUNDLE"))) return sdp;
  const live = parts.media.filter((s) => !isRejected(s));
  const mids = live.map(midOf);
  if (live.length === 0 || mids.some((m) => m === undefined || m === "")) return sdp;
  const ports = new Set(live.map((s) => (s[0] ?? "").split(" ")[1]));
  if (ports.size !== 1) return sdp;
  // Place it right after the t= line, where browsers put it; before any other session attribute.
  const tIndex = parts.session.findIndex((l) => l.startsWith("t="));
  const at = tIndex >= 0 ? tIndex + 1 : parts.session.length;
  parts.session.splice(at, 0, `a=group:BUNDLE ${mids.join(" ")}`);
  return joinSdp(parts);
}

/**
 * Attribute names that only mean something to a WebRTC endpoint. A plain SIP trunk ignores them at best and
 * rejects the SDP at worst (some SBCs choke on long a=ssrc/a=msid lines), and rtpengine 10.5 has no `sdp-attr`
 * option to remove them, so the trunk-side SDP is cleaned here.
 */
export const WEBRTC_ONLY_ATTRIBUTES: readonly string[] = [
  "msid",
  "msid-semantic",
  "ssrc",
  "ssrc-group",
  "mid",
  "group",
  "extmap",
  "extmap-allow-mixed",
  "rtcp-fb",
  "rtcp-rsize",
  "ice-options",
];

/** Removes the given `a=` attributes (by name, at session and media level) from an SDP. */
export function stripAttributes(sdp: string, names: readonly string[] = WEBRTC_ONLY_ATTRIBUTES): string {
  const drop = new Set(names);
  const parts = splitSdp(sdp);
  const keep = (line: string): boolean => {
    if (!line.startsWith("a=")) return true;
    const name = /^a=([^:\s]+)/.exec(line)?.[1];
    return name === undefined || !drop.has(name);
  };
  return joinSdp({ session: parts.session.filter(keep), media: parts.media.map((s) => s.filter(keep)) });
}

/** Summary of one media section, for assertions and logs. */
export interface SdpMediaSummary {
  media: string;
  port: number;
  protocol: string;
  payloadTypes: string[];
  /** Codec names from a=rtpmap, e.g. "PCMU/8000". */
  codecs: string[];
  attributes: string[];
}

/** Lists the media sections of an SDP with their transport and attribute names (no values). */
export function summarizeSdp(sdp: string): { sessionAttributes: string[]; media: SdpMediaSummary[] } {
  const parts = splitSdp(sdp);
  const attrName = (l: string): string | undefined => (l.startsWith("a=") ? /^a=([^:\s]+)/.exec(l)?.[1] : undefined);
  return {
    sessionAttributes: parts.session.map(attrName).filter((n): n is string => n !== undefined),
    media: parts.media.map((section) => {
      const [media = "", port = "0", protocol = "", ...payloadTypes] = (section[0] ?? "").slice(2).split(" ");
      return {
        media,
        port: Number.parseInt(port, 10),
        protocol,
        payloadTypes,
        codecs: section
          .filter((l) => l.startsWith("a=rtpmap:"))
          .map((l) => l.split(" ")[1] ?? "")
          .filter((c) => c !== ""),
        attributes: section.map(attrName).filter((n): n is string => n !== undefined),
      };
    }),
  };
}

/** An SDP media direction (RFC 3264 §5.1). */
export type SdpDirection = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/** The answer's direction for each offered one (RFC 3264 §6.1). */
export const MIRRORED_DIRECTION: Readonly<Record<SdpDirection, SdpDirection>> = {
  sendrecv: "sendrecv",
  sendonly: "recvonly",
  recvonly: "sendonly",
  inactive: "inactive",
};

/**
 * The audio stream's direction attribute (media level wins over session level; default sendrecv). A connection
 * address of 0.0.0.0 is the RFC 2543 way of saying hold (RFC 3264 §8.4): inactive, except in an ICE description
 * (a browser's), where 0.0.0.0 only means the address is in the candidates (RFC 8839 §4.2.2).
 */
export function sdpDirection(sdp: string): SdpDirection {
  const audio = sdp.split(/^m=/m).find((section) => section.startsWith("audio")) ?? "";
  const pick = (text: string) => /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(text)?.[1] as SdpDirection | undefined;
  if (/^c=IN IP4 0\.0\.0\.0/m.test(sdp) && !/^a=(ice-ufrag|candidate):/m.test(sdp)) return "inactive";
  return pick(audio) ?? pick(sdp.split(/^m=/m)[0] ?? "") ?? "sendrecv";
}

/** True when the party that sent this SDP wants to receive media (sendrecv or recvonly). */
export function receivesMedia(direction: SdpDirection): boolean {
  return direction === "sendrecv" || direction === "recvonly";
}

/** The SDP with its audio stream's direction set to `direction` (every other direction line removed). */
export function withDirection(sdp: string, direction: SdpDirection): string {
  const stripped = sdp.replace(/^a=(sendrecv|sendonly|recvonly|inactive)\r?\n/gm, "");
  return stripped.replace(/^(m=audio[^\r\n]*\r?\n)/m, `$1a=${direction}\r\n`);
}

/**
 * Keeps the `o=` line of the SDPs one party sends consistent across a dialog (RFC 3264 §8, RFC 4566 §5.2): the same
 * username, session id and address in every SDP, and a version that goes up by exactly one whenever the description
 * differs from the previous one sent, and stays the same for an identical refresh.
 */
export class SdpOrigin {
  private origin: { username: string; sessionId: string; version: number; rest: string } | undefined;
  private lastBody: string | undefined;

  /** The SDP with the dialog's o= line; the first SDP given fixes username, session id, version and address. */
  stamp(sdp: string): string {
    const lines = sdp.split(/\r?\n/).filter((line) => line.length > 0);
    const index = lines.findIndex((line) => line.startsWith("o="));
    if (index < 0) return sdp;
    const body = lines.filter((_, i) => i !== index).join("\r\n");
    if (!this.origin) {
      const [username = "-", sessionId = "0", version = "0", ...rest] = lines[index]!.slice(2).split(" ");
      const parsed = Number.parseInt(version, 10);
      this.origin = { username, sessionId, version: Number.isSafeInteger(parsed) ? parsed : 0, rest: rest.join(" ") };
    } else if (body !== this.lastBody) this.origin.version += 1;
    this.lastBody = body;
    const { username, sessionId, version, rest } = this.origin;
    lines[index] = `o=${username} ${sessionId} ${version} ${rest}`;
    return lines.join("\r\n") + "\r\n";
  }

  /** The version of the last SDP stamped, undefined before the first. */
  get version(): number | undefined {
    return this.origin?.version;
  }
}

