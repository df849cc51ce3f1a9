/**
 * Listening to a call through rtpengine 10.5 (a supervisor hears both sides, neither hears the supervisor).
 *
 * What 10.5 offers, measured against the Debian build (tests/integration/media/call-monitoring.test.ts):
 * - `subscribe request` with `from-tags` [caller, operator] creates a new participant that receives a copy of each
 *   party's media: the reply is a sendonly offer with ONE m= line PER PARTY (no mixing); `subscribe answer` with the
 *   subscriber's answer starts the forwarding, `unsubscribe` stops it. Media the subscriber sends is not forwarded to
 *   anyone. With the browser profile both m= lines carry `a=mid:1`, which a browser refuses: {@link subscriptionSdp}
 *   renumbers them.
 * - `publish` (a sendonly source other participants may subscribe to) exists; `connect` (joining participants of
 *   two calls) does not ("Unrecognized command"); there is no mixer for live calls (mixing exists only in the
 *   recording daemon). `block media` / `silence media` take a `from-tag` (and `to-tag`) to act on one direction.
 * So: listen is a subscription. Whisper needs the operator to receive a second stream (a second m= line to the
 * operator's browser, subscribed to the supervisor's published media) since rtpengine cannot mix it into the
 * caller's stream; barge needs the trunk to hear two voices in one G.711 stream, which 10.5 cannot mix: the closest
 * honest thing is a take-over (the supervisor's leg replaces the operator's).
 */
import type { BencodeDict } from "./bencode.js";
import type { NgClient } from "./ng-client.js";

/** One listening session's identifiers in rtpengine: the call, the parties heard and the subscriber's own tag. */
export interface ListenTarget {
  callId: string;
  /** The tags of the parties to hear (the trunk leg's and the operator leg's). */
  partyTags: readonly string[];
  /** The new participant's tag (the supervisor's leg). */
  subscriberTag: string;
}

/**
 * The subscription's offer made acceptable to a browser: each m= line gets its own `a=mid` (0, 1, …), as
 * RFC 8843 §7 and every browser require of mids in one description. SDP without mids is returned unchanged.
 */
export function subscriptionSdp(sdp: string): string {
  let index = -1;
  return sdp
    .split("\r\n")
    .map((line) => {
      if (line.startsWith("m=")) index += 1;
      return line.startsWith("a=mid:") ? `a=mid:${index}` : line;
    })
    .join("\r\n");
}

/**
 * Asks rtpengine for a copy of every party's media toward a new participant; resolves with the sendonly offer
 * (one m= line per party) for the supervisor's endpoint. `profile` is the leg profile of that endpoint
 * (leg-profiles.ts: browserLegOptions for SIP.js). Throws NgError when the call or a tag is unknown.
 */
export async function requestListen(ng: NgClient, target: ListenTarget, profile: BencodeDict = {}): Promise<string> {
  const reply = await ng.request("subscribe request", {
    ...profile,
    "call-id": target.callId,
    "from-tags": [...target.partyTags],
    "to-tag": target.subscriberTag,
  });
  if (typeof reply.sdp !== "string") throw new Error("subscribe request: reply has no sdp");
  return subscriptionSdp(reply.sdp);
}

/** The supervisor's endpoint answered: forwarding starts. Throws NgError when rtpengine refuses the answer. */
export async function answerListen(ng: NgClient, target: ListenTarget, answerSdp: string): Promise<void> {
  await ng.request("subscribe answer", { "call-id": target.callId, "to-tag": target.subscriberTag, sdp: answerSdp, flags: ["allow transcoding"] });
}

/** Stops a listening session (each party's copy). */
export async function stopListen(ng: NgClient, target: ListenTarget): Promise<void> {
  for (const partyTag of target.partyTags) {
    await ng.request("unsubscribe", { "call-id": target.callId, "from-tag": partyTag, "to-tag": target.subscriberTag });
  }
}
