/**
 * The demo path's caller: a browser leg that calls a hotline number through the same SIP
 * WebSocket, B2BUA and rtpengine a trunk call goes through, so the whole flow can be tried in two
 * tabs (this one calling, an operator's desk answering). No registration: it only places calls.
 */
import { Inviter, SessionState, UserAgent, Web, type Session } from "sip.js";
import { sipWebSocketUrl } from "../../desk/sip-websocket-url";

export type TestCallState = "idle" | "connecting" | "connected" | "ended" | "failed";

export class TestCaller {
  private ua: UserAgent | undefined;
  private session: Session | undefined;
  private listener: (state: TestCallState, detail?: string) => void = () => {};

  constructor(private readonly audio: HTMLAudioElement) {}

  onChange(listener: (state: TestCallState, detail?: string) => void): void {
    this.listener = listener;
  }

  async call(number: string): Promise<void> {
    this.listener("connecting");
    const host = window.location.hostname || "hotline.invalid";
    const ua = new UserAgent({
      uri: UserAgent.makeURI(`sip:test-caller@${host}`),
      transportOptions: { server: sipWebSocketUrl(window.location, "/sip") },
      // The product's own ICE list (none on a LAN), never SIP.js's default public STUN server.
      sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] } },
      logLevel: "error",
    });
    this.ua = ua;
    try {
      await ua.start();
      const target = UserAgent.makeURI(`sip:${encodeURIComponent(number)}@${host}`);
      if (!target) throw new Error("bad number");
      const inviter = new Inviter(ua, target, {
        sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
      });
      this.session = inviter;
      inviter.stateChange.addListener((state) => {
        if (state === SessionState.Established) {
          const handler = inviter.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
          if (handler) {
            this.audio.srcObject = handler.remoteMediaStream;
            void this.audio.play().catch(() => {});
            window.__hotlineCallerPeerConnection = handler.peerConnection;
          }
          this.listener("connected");
        }
        if (state === SessionState.Terminated) {
          delete window.__hotlineCallerPeerConnection;
          this.audio.srcObject = null;
          this.listener("ended");
          void this.stopUa();
        }
      });
      await inviter.invite({
        requestDelegate: {
          onReject: (response) => this.listener("failed", `${response.message.statusCode} ${response.message.reasonPhrase}`),
        },
      });
    } catch (error) {
      this.listener("failed", error instanceof Error ? error.message : String(error));
      await this.stopUa();
    }
  }

  async hangup(): Promise<void> {
    const session = this.session;
    if (!session) return;
    if (session.state === SessionState.Established) await session.bye();
    else if (session instanceof Inviter && session.state === SessionState.Establishing) await session.cancel();
  }

  private async stopUa(): Promise<void> {
    const ua = this.ua;
    this.ua = undefined;
    this.session = undefined;
    await ua?.stop().catch(() => {});
  }
}

declare global {
  interface Window {
    /** Test hook: the test caller's RTCPeerConnection while its call is up (for getStats in e2e tests). */
    __hotlineCallerPeerConnection?: RTCPeerConnection;
  }
}
