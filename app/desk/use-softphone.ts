"use client";

import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import type { SipClientConfig } from "../../server/realtime/events";
import { readDevicePreferences } from "./device-preferences";
import { Ringtone } from "./ringtone";
import type { Softphone, SoftphoneSnapshot } from "./softphone";

export interface SoftphoneControls {
  state: SoftphoneSnapshot;
  answer(): void;
  decline(): void;
  hangup(): void;
  /** Calls a number out through the trunk (outbound call; `callbackId` for a callback request). */
  dial(number: string, callbackId?: number): void;
  /** Attended transfer: places the consultation of call `callId` as a second session (see Softphone.consult). */
  consult(callId: string): void;
  /** A transfer of the call in progress is being asked for (see Softphone.transferring). */
  transferring(target: string | undefined): void;
  /** The transfer asked for was refused: the call goes on (see Softphone.transferRefused). */
  transferRefused(): void;
  setMuted(muted: boolean): void;
  retryNow(): void;
  /** Ref callback for the `<audio>` element that plays the remote party. */
  attachAudio(element: HTMLAudioElement | null): void;
  /** The live call's peer connection, for quality statistics. */
  peerConnection(): RTCPeerConnection | undefined;
}

/** What the desk shows until the SIP stack has loaded: connecting, no call (the softphone's own initial state). */
const LOADING_SNAPSHOT: SoftphoneSnapshot = Object.freeze({ registration: "connecting", call: "idle", answering: false, muted: false });
const loadingSnapshot = () => LOADING_SNAPSHOT;
const noSubscription = () => () => {};

/**
 * The desk's softphone for the component's lifetime: the SIP stack (SIP.js, the desk's largest script) loads after
 * the first paint, then registers; it unregisters on unmount and when the page is hidden for good (`pagehide`),
 * and registers again if the page comes back from the back/forward cache. Rings while a call is offered.
 */
export function useSoftphone(config: SipClientConfig): SoftphoneControls {
  // The configuration of the first render: the page's server render gives it once.
  const [initialConfig] = useState(config);
  const [phone, setPhone] = useState<Softphone>();
  const state = useSyncExternalStore(phone?.subscribe ?? noSubscription, phone?.getSnapshot ?? loadingSnapshot, loadingSnapshot);

  useEffect(() => {
    let active = true;
    let instance: Softphone | undefined;
    const onPageHide = () => instance?.stop();
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) instance?.start();
    };
    window.addEventListener("pagehide", onPageHide);
    window.addEventListener("pageshow", onPageShow);
    void import("./softphone").then(({ Softphone }) => {
      if (!active) return;
      instance = new Softphone(initialConfig);
      instance.start();
      setPhone(instance);
    });
    return () => {
      active = false;
      window.removeEventListener("pagehide", onPageHide);
      window.removeEventListener("pageshow", onPageShow);
      instance?.stop();
    };
  }, [initialConfig]);

  // An auto-answered offer (a consultation's caller, issue 9) does not ring.
  const ringing = state.call === "ringing" && !state.offer?.autoAnswer;
  useEffect(() => {
    if (!ringing) return;
    const ringtone = new Ringtone(readDevicePreferences().ringer);
    ringtone.start();
    return () => ringtone.stop();
  }, [ringing]);

  // Stable functions: a new ref callback each render would detach and re-attach the audio element.
  const actions = useMemo(
    () => ({
      answer: () => void phone?.answer(),
      decline: () => phone?.decline(),
      hangup: () => phone?.hangup(),
      dial: (number: string, callbackId?: number) => phone?.dial(number, callbackId),
      consult: (callId: string) => phone?.consult(callId),
      transferring: (target: string | undefined) => phone?.transferring(target),
      transferRefused: () => phone?.transferRefused(),
      setMuted: (muted: boolean) => phone?.setMuted(muted),
      retryNow: () => phone?.retryNow(),
      attachAudio: (element: HTMLAudioElement | null) => phone?.setAudioElement(element),
      peerConnection: () => phone?.peerConnection(),
    }),
    [phone],
  );
  return { state, ...actions };
}
