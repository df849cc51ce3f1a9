import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  browserLegOptions,
  finishBrowserSdp,
  finishTrunkSdp,
  trunkLegOptions,
} from "../../../server/media/leg-profiles.js";
import { summarizeSdp } from "../../../server/media/sdp.js";

describe("trunkLegOptions", () => {
  it("converts to plain RTP with SDES off as a LIST", () => {
    const o = trunkLegOptions("answer");
    expect(o).toEqual({
      ICE: "remove",
      DTLS: "off",
      SDES: ["off"],
      "transport-protocol": "RTP/AVP",
      "rtcp-mux": ["demux"],
      replace: ["origin", "session-connection"],
      flags: ["trust-address", "inject-DTMF", "strip-extmap"],
    });
    // The string form is silently ignored by rtpengine 10.5: guard against a "simplification".
    expect(Array.isArray(o["SDES"])).toBe(true);
  });

  it("offers only G.711 + telephone-event, transcoding by default", () => {
    expect(trunkLegOptions("offer")["codec"]).toEqual({
      strip: ["all"],
      transcode: ["PCMU", "PCMA", "telephone-event"],
    });
    expect(trunkLegOptions("offer", { codecs: ["PCMA"], transcode: false })["codec"]).toEqual({
      strip: ["all"],
      offer: ["PCMA", "telephone-event"],
    });
  });

  it("leaves codecs alone in an answer and honours the flag switches", () => {
    const o = trunkLegOptions("answer", { injectDtmf: false, trustAddress: false });
    expect(o["codec"]).toBeUndefined();
    expect(o["flags"]).toEqual(["strip-extmap"]);
  });
});

describe("browserLegOptions", () => {
  it("forces ICE, DTLS-SRTP profile, rtcp-mux and mids", () => {
    for (const role of ["offer", "answer"] as const) {
      expect(browserLegOptions(role)).toEqual({
        ICE: "force",
        "transport-protocol": "UDP/TLS/RTP/SAVPF",
        SDES: ["off"],
        "rtcp-mux": ["offer", "require"],
        replace: ["origin", "session-connection"],
        flags: ["trust-address", "inject-DTMF", "generate-mid"],
      });
    }
    expect(browserLegOptions("offer", { injectDtmf: false })["flags"]).toEqual(["trust-address", "generate-mid"]);
  });
});

describe("finish*Sdp", () => {
  const chrome = readFileSync(new URL("../../fixtures/media/chrome-answer.sdp", import.meta.url), "utf8");

  it("finishTrunkSdp strips WebRTC-only attributes but keeps codecs and direction", () => {
    const out = finishTrunkSdp(chrome);
    const s = summarizeSdp(out);
    expect(s.sessionAttributes).toEqual([]);
    expect(s.media[0]?.attributes).not.toContain("msid");
    expect(s.media[0]?.attributes).not.toContain("ssrc");
    expect(s.media[0]?.attributes).not.toContain("mid");
    expect(s.media[0]?.attributes).not.toContain("extmap");
    expect(s.media[0]?.attributes).toContain("sendrecv");
    expect(s.media[0]?.codecs).toEqual(["PCMU/8000", "telephone-event/8000"]);
  });

  it("finishBrowserSdp restores the BUNDLE group", () => {
    const sdp = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 5000 UDP/TLS/RTP/SAVPF 0\r\na=mid:1\r\n";
    expect(finishBrowserSdp(sdp)).toContain("t=0 0\r\na=group:BUNDLE 1\r\nm=audio");
  });
});
