/** The order of a call's media steps: one lane keeps order, different lanes overlap, a step on both is a barrier. */
import { describe, expect, it } from "vitest";
import { ALL_LANES, MediaLanes } from "../../../server/calls/media-lanes";

/** A step that logs its start and ends when the test says. */
function gated(log: string[], name: string) {
  let end: (value?: unknown) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const step = () =>
    new Promise((resolve, reject) => {
      log.push(`start ${name}`);
      end = (value) => {
        log.push(`end ${name}`);
        resolve(value);
      };
      fail = reject;
    });
  return { step, end: (value?: unknown) => end(value), fail: (error: Error) => fail(error) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("MediaLanes", () => {
  it("runs the steps of one lane one after the other, in the order queued", async () => {
    const lanes = new MediaLanes();
    const log: string[] = [];
    const a = gated(log, "a");
    const b = gated(log, "b");
    const done = [lanes.run(["playback"], a.step), lanes.run(["playback"], b.step)];
    await flush();
    expect(log).toEqual(["start a"]);
    a.end();
    await flush();
    expect(log).toEqual(["start a", "end a", "start b"]);
    b.end("b's result");
    expect(await done[1]).toBe("b's result");
  });

  it("lets a step on another lane start while the first is pending", async () => {
    const lanes = new MediaLanes();
    const log: string[] = [];
    const play = gated(log, "play");
    const offer = gated(log, "offer");
    void lanes.run(["playback"], play.step);
    void lanes.run(["branch"], offer.step);
    await flush();
    expect(log).toEqual(["start play", "start offer"]);
    offer.end();
    play.end();
  });

  it("a step on every lane waits for all earlier steps, and every later step waits for it", async () => {
    const lanes = new MediaLanes();
    const log: string[] = [];
    const play = gated(log, "play");
    const offer = gated(log, "offer");
    const answer = gated(log, "answer");
    const music = gated(log, "music");
    void lanes.run(["playback"], play.step);
    void lanes.run(["branch"], offer.step);
    void lanes.run(ALL_LANES, answer.step);
    void lanes.run(["playback"], music.step);
    await flush();
    offer.end();
    await flush();
    expect(log).toEqual(["start play", "start offer", "end offer"]);
    play.end();
    await flush();
    expect(log.slice(3)).toEqual(["end play", "start answer"]);
    answer.end();
    await flush();
    expect(log.slice(5)).toEqual(["end answer", "start music"]);
    let idle = false;
    void lanes.idle().then(() => (idle = true));
    await flush();
    expect(idle).toBe(false);
    music.end();
    await flush();
    expect(idle).toBe(true);
  });

  it("a failed step rejects its own promise and the lane goes on", async () => {
    const lanes = new MediaLanes();
    const log: string[] = [];
    const bad = gated(log, "bad");
    const next = gated(log, "next");
    const failed = lanes.run(ALL_LANES, bad.step);
    const after = lanes.run(["branch"], next.step);
    await flush();
    bad.fail(new Error("rtpengine said no"));
    await expect(failed).rejects.toThrow("rtpengine said no");
    await flush();
    expect(log).toEqual(["start bad", "start next"]);
    next.end(1);
    expect(await after).toBe(1);
  });
});
