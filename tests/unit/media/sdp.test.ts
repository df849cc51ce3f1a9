import { describe, expect, it } from "vitest";
import { ensureBundleGroup, stripAttributes, summarizeSdp } from "../../../server/media/sdp.js";

const head = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n";

describe("ensureBundleGroup", () => {
  it("adds the group right after t= for a single audio section", () => {
    const sdp = `${head}m=audio 5000 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=rtcp-mux\r\n`;
    const out = ensureBundleGroup(sdp);
    expect(out).toBe(`${head}a=group:BUNDLE 0\r\nm=audio 5000 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=rtcp-mux\r\n`);
  });

  it("accepts LF input and writes CRLF", () => {
    const out = ensureBundleGroup(`${head}m=audio 5000 RTP/AVP 0\r\na=mid:a\r\n`.replace(/\r\n/g, "\n"));
    expect(out).toContain("a=group:BUNDLE a\r\n");
    expect(out.split("\r\n").every((l) => !l.includes("\n"))).toBe(true);
  });

  it("is a no-op when a group exists, mids are missing, or sections use distinct ports", () => {
    const grouped = `${head}a=group:BUNDLE 0\r\nm=audio 5000 RTP/AVP 0\r\na=mid:0\r\n`;
    expect(ensureBundleGroup(grouped)).toBe(grouped);
    const noMid = `${head}m=audio 5000 RTP/AVP 0\r\n`;
    expect(ensureBundleGroup(noMid)).toBe(noMid);
    const twoPorts = `${head}m=audio 5000 RTP/AVP 0\r\na=mid:0\r\nm=video 5002 RTP/AVP 96\r\na=mid:1\r\n`;
    expect(ensureBundleGroup(twoPorts)).toBe(twoPorts);
    const none = `${head}`;
    expect(ensureBundleGroup(none)).toBe(none);
  });

  it("bundles sections sharing one port and leaves rejected sections out", () => {
    const sdp = `${head}m=audio 5000 RTP/AVP 0\r\na=mid:0\r\nm=video 0 RTP/AVP 96\r\na=mid:1\r\nm=audio 5000 RTP/AVP 0\r\na=mid:2\r\n`;
    expect(ensureBundleGroup(sdp)).toContain("a=group:BUNDLE 0 2\r\n");
  });
});

describe("stripAttributes", () => {
  it("removes named attributes at both levels and nothing else", () => {
    const sdp = `${head}a=msid-semantic: WMS x\r\nm=audio 5000 RTP/AVP 0\r\na=ssrc:1 cname:x\r\na=ssrcx:keep\r\na=sendrecv\r\n`;
    expect(stripAttributes(sdp)).toBe(`${head}m=audio 5000 RTP/AVP 0\r\na=ssrcx:keep\r\na=sendrecv\r\n`);
    expect(stripAttributes(sdp, ["sendrecv"])).not.toContain("a=sendrecv");
  });
});

describe("summarizeSdp", () => {
  it("lists media transport, payload types, codecs and attribute names", () => {
    const s = summarizeSdp(`${head}a=ice-lite\r\nm=audio 5000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=rtcp:5001\r\n`);
    expect(s.sessionAttributes).toEqual(["ice-lite"]);
    expect(s.media).toEqual([
      {
        media: "audio",
        port: 5000,
        protocol: "RTP/AVP",
        payloadTypes: ["0", "101"],
        codecs: ["PCMU/8000", "telephone-event/8000"],
        attributes: ["rtpmap", "rtpmap", "rtcp"],
      },
    ]);
  });
});

