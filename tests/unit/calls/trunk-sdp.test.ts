import { describe, expect, it } from "vitest";
import {
  UnsupportedTrunkSdpError,
  audioEndpoint,
  chooseTrunkCodecs,
  narrowTrunkSdp,
  placeholderAnswerSdp,
} from "../../../server/calls/trunk-sdp.js";

const offer = (mLine: string, attrs: string[] = [], extra: string[] = []): string =>
  ["v=0", "o=- 1 1 IN IP4 192.0.2.10", "s=-", "c=IN IP4 192.0.2.10", "t=0 0", mLine, ...attrs, ...extra, ""].join(
    "\r\n",
  );

describe("chooseTrunkCodecs", () => {
  it("takes the trunk's first G.711 codec and its telephone-event, static types without rtpmap included", () => {
    expect(chooseTrunkCodecs(offer("m=audio 30000 RTP/AVP 18 8 0 96", ["a=rtpmap:96 telephone-event/8000"]))).toEqual({
      audio: { pt: "8", name: "PCMA" },
      telephoneEvent: "96",
      payloadTypes: ["8", "96"],
    });
  });

  it("works without telephone-event and ignores 16 kHz telephone-event", () => {
    const choice = chooseTrunkCodecs(offer("m=audio 30000 RTP/AVP 0 97", ["a=rtpmap:97 telephone-event/16000"]));
    expect(choice.telephoneEvent).toBeUndefined();
    expect(choice.payloadTypes).toEqual(["0"]);
  });

  it("refuses offers without live G.711 audio", () => {
    expect(() => chooseTrunkCodecs(offer("m=audio 30000 RTP/AVP 18"))).toThrow(UnsupportedTrunkSdpError);
    expect(() => chooseTrunkCodecs(offer("m=audio 0 RTP/AVP 0"))).toThrow(/no audio stream/);
    expect(() => chooseTrunkCodecs(offer("m=video 30000 RTP/AVP 96"))).toThrow(/no audio stream/);
  });
});

describe("narrowTrunkSdp and placeholderAnswerSdp", () => {
  const trunk = offer(
    "m=audio 30000 RTP/AVP 0 8 101",
    ["a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20"],
    ["m=video 30002 RTP/AVP 96", "a=rtpmap:96 H264/90000"],
  );
  const choice = chooseTrunkCodecs(trunk);

  it("keeps only the agreed formats and refuses other sections with port 0", () => {
    const narrowed = narrowTrunkSdp(trunk, choice);
    expect(narrowed).toContain("m=audio 30000 RTP/AVP 0 101\r\n");
    expect(narrowed).not.toContain("PCMA");
    expect(narrowed).toContain("a=fmtp:101 0-16\r\na=ptime:20\r\n");
    expect(narrowed).toMatch(/m=video 0 RTP\/AVP 96\r\n$/);
    expect(narrowed).not.toContain("H264");
  });

  it("answers with the same payload types, sendrecv, at rtpengine's address port 9", () => {
    const answer = placeholderAnswerSdp(trunk, choice, "203.0.113.5");
    expect(answer.split("\r\n")).toEqual([
      "v=0",
      "o=- 1 1 IN IP4 203.0.113.5",
      "s=-",
      "c=IN IP4 203.0.113.5",
      "t=0 0",
      "m=audio 9 RTP/AVP 0 101",
      "a=rtpmap:0 PCMU/8000",
      "a=rtpmap:101 telephone-event/8000",
      "a=fmtp:101 0-16",
      "a=ptime:20",
      "a=sendrecv",
      "m=video 0 RTP/AVP 96",
      "",
    ]);
    expect(placeholderAnswerSdp(trunk, choice, "2001:db8::5")).toContain("c=IN IP6 2001:db8::5");
  });

  it("narrows a browser's offer: its G.711 and telephone-event, no RTP header extensions, a plain placeholder", () => {
    const chrome = offer(
      "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 126",
      [
        "a=rtpmap:111 opus/48000/2",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:126 telephone-event/8000",
        "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
        "a=mid:0",
        "a=setup:actpass",
      ],
    );
    const browserChoice = chooseTrunkCodecs(chrome);
    expect(browserChoice.payloadTypes).toEqual(["0", "126"]);
    const narrowed = narrowTrunkSdp(chrome, browserChoice);
    expect(narrowed).toContain("m=audio 9 UDP/TLS/RTP/SAVPF 0 126\r\n");
    expect(narrowed).not.toContain("a=extmap");
    expect(narrowed).toContain("a=mid:0\r\na=setup:actpass\r\n");
    const placeholder = placeholderAnswerSdp(chrome, browserChoice, "203.0.113.5");
    expect(placeholder).toContain("m=audio 9 RTP/AVP 0 126\r\n");
    expect(placeholder).not.toMatch(/mid|setup|opus/);
  });

  it("adds the rtpmap of a static codec the trunk listed without one", () => {
    const bare = offer("m=audio 30000 RTP/AVP 8");
    expect(placeholderAnswerSdp(bare, chooseTrunkCodecs(bare), "203.0.113.5")).toContain("a=rtpmap:8 PCMA/8000");
  });
});

describe("audioEndpoint", () => {
  it("prefers the media-level c= line and skips refused sections", () => {
    const sdp = offer("m=audio 0 RTP/AVP 0", [], ["m=audio 40000 RTP/AVP 0", "c=IN IP4 198.51.100.7"]);
    expect(audioEndpoint(sdp)).toEqual({ address: "198.51.100.7", port: 40000 });
    expect(audioEndpoint(offer("m=audio 41000 RTP/AVP 0"))).toEqual({ address: "192.0.2.10", port: 41000 });
    expect(audioEndpoint("v=0\r\n")).toBeUndefined();
  });
});
