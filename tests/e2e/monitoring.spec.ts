import { expect, test, type Page } from "@playwright/test";
import { E2E_SIP_PORT } from "../../playwright.config";
import { runSipp } from "../support/sipp";
import { TrunkMedia } from "../support/trunk-media";
import { DeskPage } from "./pages/desk-page";
import { LoginPage } from "./pages/login-page";
import { cli, USERS } from "./support/cli";

/** Audio packets received per inbound stream of a test-hooked connection (`__hotlineMonitor.ears`, `__hotlineWhisper`). */
async function inbound(page: Page, which: "ears" | "whisper"): Promise<number[]> {
  return page.evaluate(async (which) => {
    const w = window as unknown as { __hotlineMonitor?: { ears: RTCPeerConnection[] }; __hotlineWhisper?: RTCPeerConnection };
    const pcs = which === "ears" ? (w.__hotlineMonitor?.ears ?? []) : w.__hotlineWhisper ? [w.__hotlineWhisper] : [];
    // Read together: a getStats() issued right after another connection's can come back nearly empty in Chromium.
    const all = await Promise.all(pcs.map((pc) => pc.getStats()));
    const counts: number[] = [];
    for (const stats of all) {
      stats.forEach((r) => {
        if (r.type === "inbound-rtp" && r.kind === "audio") counts.push(r.packetsReceived ?? 0);
      });
    }
    return counts;
  }, which);
}

/** Audio packets the supervisor's whisper connection sent. */
async function whisperSent(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { __hotlineMonitor?: { mouth?: RTCPeerConnection } }).__hotlineMonitor?.mouth;
    let sent = 0;
    (await pc?.getStats())?.forEach((r) => {
      if (r.type === "outbound-rtp" && r.kind === "audio") sent += r.packetsSent ?? 0;
    });
    return sent;
  });
}

test("a supervisor listens to a live call from the board (both sides, nobody hears them), whispers to the operator only, then takes the call over and gives it back", async ({ page, browser }) => {
  test.setTimeout(150_000);
  await cli("queue", "add", "Coaching");
  await cli("queue", "set", "Coaching", "--wrap-up", "0");
  await cli("number", "add", "5400", "--queue", "Coaching");
  await cli("queue", "member", "Coaching", USERS.operator.username);

  await new LoginPage(page).loginAs(USERS.operator.username, USERS.operator.password);
  const desk = new DeskPage(page);
  await desk.goAvailable();

  const trunk = new TrunkMedia();
  const trunkPort = await trunk.start();
  const sipp = runSipp("answered-call-test-media-operator-hangs-up.xml", `127.0.0.1:${E2E_SIP_PORT}`, {
    service: "5400",
    timeoutS: 120,
    extra: ["-key", "trunk_rtp_port", String(trunkPort)],
  });
  await expect(desk.incomingCall()).toBeVisible({ timeout: 20_000 });
  await desk.answer();
  await expect.poll(async () => (await desk.audioStats()).packetsReceived, { timeout: 15_000 }).toBeGreaterThan(50);

  const supervisorContext = await browser.newContext();
  const board = await supervisorContext.newPage();
  await new LoginPage(board).loginAs(USERS.supervisor.username, USERS.supervisor.password);
  await board.goto("/board");
  const call = board.getByTestId("live-call");
  await expect(call).toHaveCount(1, { timeout: 15_000 });

  // Listen: one stream per party reaches the supervisor; the operator is told (default policy).
  await call.getByTestId("listen").click();
  await expect(call.getByTestId("monitor-status")).toHaveAttribute("data-status", "on", { timeout: 15_000 });
  await expect(page.getByTestId("monitor-notice")).toHaveAttribute("data-mode", "listen");
  await expect
    .poll(async () => {
      const streams = await inbound(board, "ears");
      return streams.length === 2 ? Math.min(...streams) : 0;
    }, { timeout: 15_000 })
    .toBeGreaterThan(50);
  // The caller hears one stream (the operator's), at one stream's rate.
  trunk.reset();
  await board.waitForTimeout(2_000);
  expect(trunk.ssrcs.size).toBe(1);
  expect(trunk.received).toBeLessThan(150);
  const operatorSsrc = [...trunk.ssrcs.keys()][0];

  // Whisper: the operator's desk gets a second connection carrying the supervisor's microphone; the caller does not.
  await call.getByTestId("whisper").click();
  await expect(call.getByTestId("monitor-status")).toHaveAttribute("data-status", "on", { timeout: 15_000 });
  await expect(call.getByTestId("monitor-status")).toHaveText("You are whispering to the operator.");
  await expect(page.getByTestId("monitor-notice")).toHaveAttribute("data-mode", "whisper");
  await expect.poll(() => whisperSent(board), { timeout: 15_000 }).toBeGreaterThan(50);
  await expect.poll(async () => (await inbound(page, "whisper"))[0] ?? 0, { timeout: 15_000 }).toBeGreaterThan(50);
  trunk.reset();
  await board.waitForTimeout(2_000);
  // Still only the operator's stream at the trunk (the supervisor's would be a second SSRC, doubling the rate).
  expect(trunk.ssrcs.size).toBe(1);
  expect(trunk.received).toBeGreaterThan(50);
  expect(trunk.received).toBeLessThan(150);
  // The operator still hears the caller on the call itself.
  const before = (await desk.audioStats()).packetsReceived;
  await expect.poll(async () => (await desk.audioStats()).packetsReceived).toBeGreaterThan(before + 25);

  // Stop: the operator's notice and whisper connection go.
  await call.getByTestId("whisper").click();
  await expect(page.getByTestId("monitor-notice")).toHaveCount(0, { timeout: 10_000 });
  await expect.poll(() => page.evaluate(() => "__hotlineWhisper" in window)).toBe(false);

  // Barge, as a take-over (rtpengine 10.5 has no mixer): the caller talks with the supervisor, the operator is out.
  await call.getByTestId("barge").click();
  await expect(call.getByTestId("monitor-status")).toHaveAttribute("data-status", "on", { timeout: 15_000 });
  await expect(page.getByTestId("monitor-notice")).toHaveAttribute("data-mode", "barge");
  await expect.poll(async () => (await inbound(board, "ears"))[0] ?? 0, { timeout: 15_000 }).toBeGreaterThan(50);
  await expect.poll(() => whisperSent(board), { timeout: 15_000 }).toBeGreaterThan(50);
  trunk.reset();
  const operatorBefore = (await desk.audioStats()).packetsReceived;
  await board.waitForTimeout(2_000);
  // The trunk gets one stream, and it is not the operator's any more; the operator, out of the call, hears nothing.
  expect([...trunk.ssrcs.keys()]).toHaveLength(1);
  expect(trunk.ssrcs.has(operatorSsrc!)).toBe(false);
  expect(trunk.received).toBeGreaterThan(50);
  expect((await desk.audioStats()).packetsReceived - operatorBefore).toBeLessThan(10);
  // Given back: caller and operator hear each other again, and the caller hears the operator alone.
  await call.getByTestId("barge").click();
  await expect(page.getByTestId("monitor-notice")).toHaveCount(0, { timeout: 10_000 });
  const operatorAgain = (await desk.audioStats()).packetsReceived;
  await expect.poll(async () => (await desk.audioStats()).packetsReceived, { timeout: 10_000 }).toBeGreaterThan(operatorAgain + 50);
  trunk.reset();
  await board.waitForTimeout(2_000);
  expect([...trunk.ssrcs.keys()]).toEqual([operatorSsrc]);

  // Listening again, then the supervisor's board goes away: no monitoring outlives its connection.
  await call.getByTestId("listen").click();
  await expect(page.getByTestId("monitor-notice")).toHaveAttribute("data-mode", "listen", { timeout: 15_000 });
  await supervisorContext.close();
  await expect(page.getByTestId("monitor-notice")).toHaveCount(0, { timeout: 10_000 });

  await desk.hangup();
  const result = await sipp;
  expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
  await trunk.stop();
});
