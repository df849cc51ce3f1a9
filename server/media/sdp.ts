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

/**
 * `next` as a new version of the session described by `previous` (RFC 3264 §8: in a later offer or answer of the same
 * session, the o= line equals the previous one except for the version, which goes up by one). Used when the call's
 * media moved to another rtpengine, whose SDP carries an origin of its own. Returns `next` unchanged when either has
 * no readable o= line.
 */
export function continueOrigin(previous: string, next: string): string {
  const origin = /^o=(\S+) (\S+) (\d+) (.+)$/m.exec(previous);
  if (!origin || !/^o=/m.test(next)) return next;
  const version = (BigInt(origin[3]!) + 1n).toString();
  return next.replace(/^o=[^\r\n]*/m, `o=${origin[1]} ${origin[2]} ${version} ${origin[4]!.trim()}`);
}
