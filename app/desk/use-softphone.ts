"use client";

import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import type { SipClientConfig } from "../../server/realtime/events";
import { Ringtone } from "./ringtone";
import { INITIAL_SOFTPHONE_SNAPSHOT, Softphone, type SoftphoneSnapshot } from "./softphone";

export interface SoftphoneControls {
  state: SoftphoneSnapshot;
  answer(): void;
  decline(): void;
  hangup(): void;
  setMuted(muted: boolean): void;
  retryNow(): void;
  /** Ref callback for the `<audio>` element that plays the remote party. */
  attachAudio(element: HTMLAudioElement | null): void;
}

const serverSnapshot = () => INITIAL_SOFTPHONE_SNAPSHOT;

/**
 * The desk's softphone for the component's lifetime: registers on mount, unregisters on unmount and
 * when the page is hidden for good (`pagehide`), registers again if the page comes back from the
 * back/forward cache. Rings while a call is offered.
 */
export function useSoftphone(config: SipClientConfig): SoftphoneControls {
  // Constructing does nothing yet (no window, no network), so it is safe during the server render.
  const [phone] = useState(() => new Softphone(config));
  const state = useSyncExternalStore(phone.subscribe, phone.getSnapshot, serverSnapshot);

  useEffect(() => {
    phone.start();
    const onPageHide = () => phone.stop();
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) phone.start();
    };
    window.addEventListener("pagehide", onPageHide);
    window.addEventListener("pageshow", onPageShow);
    return () => {
      window.removeEventListener("pagehide", onPageHide);
      window.removeEventListener("pageshow", onPageShow);
      phone.stop();
    };
  }, [phone]);

  const ringing = state.call === "ringing";
  useEffect(() => {
    if (!ringing) return;
    const ringtone = new Ringtone();
    ringtone.start();
    return () => ringtone.stop();
  }, [ringing]);

  // Stable functions: a new ref callback each render would detach and re-attach the audio element.
  const actions = useMemo(
    () => ({
      answer: () => void phone.answer(),
      decline: () => phone.decline(),
      hangup: () => phone.hangup(),
      setMuted: (muted: boolean) => phone.setMuted(muted),
      retryNow: () => phone.retryNow(),
      attachAudio: (element: HTMLAudioElement | null) => phone.setAudioElement(element),
    }),
    [phone],
  );
  return { state, ...actions };
}
