/**
 * Pure SDP helpers for answering a trunk's offer ourselves, before any operator exists.
 *
 * rtpengine only produces an answer SDP from an answer it is given, so the media bridge gives it a synthetic
 * "placeholder" answer built here from the trunk's own codecs. Doing the codec choice here (instead of rtpengine's
 * `codec` options) keeps the trunk's payload type numbers in our 200 OK, which RFC 3264 section 6.1 asks of an answer
 * for dynamic types such as telephone-event.
 *
 * Line-level edits like `server/media/sdp.ts`: untouched lines stay as they are; output uses CRLF.
 */

/** G.711 codecs a trunk call is answered with, in our preference order when the trunk lists several. */
export const TRUNK_AUDIO_CODECS = ["PCMU", "PCMA"] as const;

/** Static RTP payload types (RFC 3551) a trunk may list without an a=rtpmap line. */
const STATIC_PAYLOAD_TYPES: Readonly<Record<string, string>> = { "0": "PCMU/8000", "8": "PCMA/8000" };

/** Raised when the trunk offers nothing we can answer (the B2BUA should reply 488 Not Acceptable Here). */
export class UnsupportedTrunkSdpError extends Error {
  override name = "UnsupportedTrunkSdpError";
}

/** The audio format chosen for a trunk call. */
export interface TrunkCodecChoice {
  /** Payload type and name of the voice codec, e.g. `{ pt: "0", name: "PCMU" }`. */
  audio: { pt: string; name: string };
  /** Payload type of telephone-event/8000 when the trunk offered it (RFC 4733 DTMF), else undefined. */
  telephoneEvent: string | undefined;
  /** The payload types we keep, in m= line order: the voice codec first. */
  payloadTypes: string[];
}

interface Section {
  lines: string[];
}

function split(sdp: string): { session: string[]; media: Section[] } {
  const session: string[] = [];
  const media: Section[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.length === 0) continue;
    if (line.startsWith("m=")) media.push({ lines: [line] });
    else if (media.length > 0) media[media.length - 1]?.lines.push(line);
    else session.push(line);
  }
  return { session, media };
}

function join(session: string[], media: Section[]): string {
  return [...session, ...media.flatMap((m) => m.lines)].join("\r\n") + "\r\n";
}

/** `m=<media> <port> <proto> <fmt...>` split into its parts. */
function parseMLine(line: string): { media: string; port: string; proto: string; formats: string[] } {
  const [media = "", port = "0", proto = "", ...formats] = line.slice(2).trim().split(/\s+/);
  return { media, port, proto, formats };
}

/** Index of the first live audio section: the one a phone call is about. */
function audioIndex(media: Section[]): number {
  return media.findIndex((s) => {
    const m = parseMLine(s.lines[0] ?? "");
    return m.media === "audio" && m.port !== "0";
  });
}

/** Codec name ("PCMU/8000") of each payload type in a media section, from a=rtpmap or the static table. */
function codecNames(section: Section): Map<string, string> {
  const names = new Map<string, string>();
  for (const pt of parseMLine(section.lines[0] ?? "").formats) {
    const rtpmap = section.lines.find((l) => l.startsWith(`a=rtpmap:${pt} `));
    const name = rtpmap?.slice(`a=rtpmap:${pt} `.length).trim() ?? STATIC_PAYLOAD_TYPES[pt];
    if (name !== undefined) names.set(pt, name);
  }
  return names;
}

/**
 * Chooses the voice codec (the trunk's most preferred of PCMU/PCMA) and telephone-event for the answer.
 * Throws {@link UnsupportedTrunkSdpError} when the offer has no live audio section with G.711.
 */
export function chooseTrunkCodecs(offerSdp: string): TrunkCodecChoice {
  const { media } = split(offerSdp);
  const index = audioIndex(media);
  const section = media[index];
  if (!section) throw new UnsupportedTrunkSdpError("trunk offer has no audio stream");
  const names = codecNames(section);
  let audio: TrunkCodecChoice["audio"] | undefined;
  let telephoneEvent: string | undefined;
  // Map iteration follows the m= line, i.e. the trunk's preference order.
  for (const [pt, name] of names) {
    const [codec = "", rate = ""] = name.split("/");
    const upper = codec.toUpperCase();
    if (!audio && rate === "8000" && (TRUNK_AUDIO_CODECS as readonly string[]).includes(upper)) {
      audio = { pt, name: upper };
    }
    if (telephoneEvent === undefined && upper === "TELEPHONE-EVENT" && rate === "8000") telephoneEvent = pt;
  }
  if (!audio) throw new UnsupportedTrunkSdpError(`trunk offers no G.711 codec (got ${[...names.values()].join(", ")})`);
  const payloadTypes = telephoneEvent === undefined ? [audio.pt] : [audio.pt, telephoneEvent];
  return { audio, telephoneEvent, payloadTypes };
}

/** Keeps only `keep` payload types in a section: m= line formats plus their rtpmap/fmtp/rtcp-fb lines. */
function restrictFormats(section: Section, keep: readonly string[]): Section {
  const m = parseMLine(section.lines[0] ?? "");
  const formatLine = /^a=(rtpmap|fmtp|rtcp-fb):(\S+)[ ]/;
  const lines = section.lines.slice(1).filter((line) => {
    const pt = formatLine.exec(line)?.[2];
    return pt === undefined || keep.includes(pt);
  });
  return { lines: [`m=${m.media} ${m.port} ${m.proto} ${keep.join(" ")}`, ...lines] };
}

/** A section refused with port 0 (RFC 3264 section 6): the m= line alone, formats kept as the offer had them. */
function rejected(section: Section): Section {
  const m = parseMLine(section.lines[0] ?? "");
  return { lines: [`m=${m.media} 0 ${m.proto} ${m.formats.join(" ")}`] };
}

/**
 * The trunk's offer reduced to what was agreed: the chosen payload types in the audio section, other sections
 * refused. This is what the trunk's media really is after our answer, so it is what later re-offers toward an
 * operator start from (a browser offered only the agreed codec means no transcoding in rtpengine).
 *
 * The caller's RTP header extensions (a=extmap, a browser caller offers several) are dropped too: the operator gets
 * the stream from rtpengine's encoder (`inject-DTMF`), whose packets carry no extension. Measured with a browser
 * caller: left in, they reach the operator's offer, Chrome negotiates them (the MID extension among them) and drops
 * every packet rtpengine sends it: no audio from caller to operator, while the other direction works.
 */
export function narrowTrunkSdp(offerSdp: string, choice: TrunkCodecChoice): string {
  const { session, media } = split(offerSdp);
  const index = audioIndex(media);
  const narrowed = (s: Section): Section => {
    const section = restrictFormats(s, choice.payloadTypes);
    return { lines: section.lines.filter((line) => !line.startsWith("a=extmap:")) };
  };
  return join(
    session,
    media.map((s, i) => (i === index ? narrowed(s) : rejected(s))),
  );
}

/**
 * A plain-RTP answer standing in for the operator while the caller is queued. `offerSdp` is the caller's offer (a
 * trunk's, or a browser's: its ICE/DTLS lines are not copied, only the agreed formats).
 *
 * `address` should be rtpengine's own media address and the port is 9 (discard): whatever the trunk sends while
 * nobody listens is dropped by the kernel there instead of travelling anywhere. `direction` is the mirror of the
 * caller's (RFC 3264 §6.1): sendrecv for a sendrecv offer, so rtpengine's answer to the trunk says sendrecv too (the
 * trunk must keep sending, or the bridge to an operator later would need a re-INVITE); recvonly for a sendonly
 * caller (on hold), inactive for an inactive one, which also tells rtpengine the caller's silence is expected (its
 * `--silent-timeout` applies instead of `--timeout`).
 */
export function placeholderAnswerSdp(
  offerSdp: string,
  choice: TrunkCodecChoice,
  address: string,
  direction: "sendrecv" | "sendonly" | "recvonly" | "inactive" = "sendrecv",
): string {
  const { media } = split(offerSdp);
  const index = audioIndex(media);
  const family = address.includes(":") ? "IP6" : "IP4";
  const session = ["v=0", `o=- 1 1 IN ${family} ${address}`, "s=-", `c=IN ${family} ${address}`, "t=0 0"];
  const sections = media.map((s, i) => {
    if (i !== index) return rejected(s);
    const audio = restrictFormats(s, choice.payloadTypes);
    const m = parseMLine(audio.lines[0] ?? "");
    const formats = audio.lines.filter((l) => /^a=(rtpmap|fmtp):/.test(l));
    // Static types get an rtpmap line even when the trunk left it out: explicit is harmless and clearer in logs.
    if (!formats.some((l) => l.startsWith(`a=rtpmap:${choice.audio.pt} `))) {
      formats.unshift(`a=rtpmap:${choice.audio.pt} ${choice.audio.name}/8000`);
    }
    // RTP/AVP whatever the caller's profile: this answers rtpengine's plain-RTP offer toward the placeholder.
    return { lines: [`m=audio 9 RTP/AVP ${m.formats.join(" ")}`, ...formats, "a=ptime:20", `a=${direction}`] };
  });
  return join(session, sections);
}

/**
 * The placeholder's own offer, for a caller who sent no SDP (late offer, RFC 3261 §13.2.1): G.711 both ways and
 * telephone-event, plain RTP on port 9 (discard) of `address`. rtpengine turns it into the offer of our 200 OK.
 */
export function placeholderOfferSdp(address: string): string {
  const family = address.includes(":") ? "IP6" : "IP4";
  return [
    "v=0",
    `o=- 1 1 IN ${family} ${address}`,
    "s=-",
    `c=IN ${family} ${address}`,
    "t=0 0",
    "m=audio 9 RTP/AVP 0 8 101",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:101 telephone-event/8000",
    "a=fmtp:101 0-16",
    "a=ptime:20",
    "a=sendrecv",
  ].join("\r\n") + "\r\n";
}

/** Connection address and port of the first live audio section (what a peer sends its RTP to). */
export function audioEndpoint(sdp: string): { address: string; port: number } | undefined {
  const { session, media } = split(sdp);
  const section = media[audioIndex(media)];
  if (!section) return undefined;
  const conn = (lines: string[]): string | undefined =>
    lines.find((l) => l.startsWith("c="))?.trim().split(/\s+/)[2];
  const address = conn(section.lines) ?? conn(session);
  if (address === undefined) return undefined;
  return { address, port: Number.parseInt(parseMLine(section.lines[0] ?? "").port, 10) };
}
