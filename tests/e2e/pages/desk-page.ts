import { expect, type Page } from "@playwright/test";

/** The operator desk (/desk): the softphone and the operator's routing state. */
export class DeskPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/desk");
  }

  callState() {
    return this.page.getByTestId("call-state");
  }

  async goAvailable() {
    await expect(this.page.getByTestId("sip-registration")).toHaveText("registered", { timeout: 15_000 });
    await this.page.getByTestId("status-available").click();
    await expect(this.page.getByTestId("operator-status")).toHaveText("available");
  }

  /** Asks for a pause; it may start at once, after the call, or when a break slot frees (see pendingPause). */
  async pause(reasonCode: string) {
    await this.page.getByTestId("pause").selectOption(reasonCode);
  }

  /** The notice of a pause asked for that has not started yet. */
  pendingPause() {
    return this.page.getByTestId("pending-pause");
  }

  operatorStatus() {
    return this.page.getByTestId("operator-status");
  }

  incomingCall() {
    return this.page.getByTestId("incoming-call");
  }

  async answer() {
    await this.page.getByTestId("answer").click();
    await expect(this.callState()).toHaveText("talking");
  }

  async hangup() {
    await this.page.getByTestId("hangup").click();
    await expect(this.callState()).toHaveText("idle");
  }

  /** RTP counters of the live call's peer connection (the softphone's test hook). */
  async audioStats(): Promise<{ packetsReceived: number; packetsSent: number; bytesReceived: number }> {
    return this.page.evaluate(async () => {
      const pc = (window as unknown as { __hotlinePeerConnection?: RTCPeerConnection }).__hotlinePeerConnection;
      if (!pc) return { packetsReceived: 0, packetsSent: 0, bytesReceived: 0 };
      let packetsReceived = 0;
      let packetsSent = 0;
      let bytesReceived = 0;
      (await pc.getStats()).forEach((report) => {
        if (report.type === "inbound-rtp" && report.kind === "audio") {
          packetsReceived += report.packetsReceived ?? 0;
          bytesReceived += report.bytesReceived ?? 0;
        }
        if (report.type === "outbound-rtp" && report.kind === "audio") packetsSent += report.packetsSent ?? 0;
      });
      return { packetsReceived, packetsSent, bytesReceived };
    });
  }
}
