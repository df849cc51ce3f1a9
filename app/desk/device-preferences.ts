"use client";

import { useSyncExternalStore } from "react";
/**
 * The operator's audio devices and desk options, remembered per browser (localStorage): microphone, speaker
 * (headset) and ringer outputs, desktop notifications wanted. Device ids are the browser's own
 * (`MediaDeviceInfo.deviceId`), meaningful only on this browser and origin, hence not stored on the server.
 */
export interface DevicePreferences {
  microphone?: string;
  speaker?: string;
  /** Where the ring plays: a separate output lets it ring on the laptop speaker while the headset is on. */
  ringer?: string;
  notifications?: boolean;
}

const KEY = "hotline.devices";
const listeners = new Set<() => void>();

export function readDevicePreferences(): DevicePreferences {
  if (typeof localStorage === "undefined") return {};
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? "{}") as unknown;
    return value && typeof value === "object" ? (value as DevicePreferences) : {};
  } catch {
    return {};
  }
}

export function writeDevicePreferences(patch: Partial<DevicePreferences>): void {
  localStorage.setItem(KEY, JSON.stringify({ ...readDevicePreferences(), ...patch }));
  for (const listener of listeners) listener();
}

/** For useSyncExternalStore: changes made on this page. */
export function subscribeDevicePreferences(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The headset output chosen on this browser, if any (the whisper plays there, as the call does). */
export function chosenSpeaker(): string | undefined {
  return readDevicePreferences().speaker || undefined;
}

export function chosenMicrophone(): string | undefined {
  return readDevicePreferences().microphone || undefined;
}

/** Plays the remote party (or a test tone) on the chosen output; browsers without setSinkId keep the default. */
export async function routeToOutput(element: HTMLMediaElement, deviceId: string | undefined): Promise<void> {
  const sinkable = element as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };
  if (sinkable.setSinkId && deviceId !== undefined) await sinkable.setSinkId(deviceId).catch(() => undefined);
}

let cachedPreferences: DevicePreferences | undefined;
const preferencesSnapshot = () => (cachedPreferences ??= readDevicePreferences());
const serverPreferences = (): DevicePreferences => ({});
const refreshOnChange = (listener: () => void) =>
  subscribeDevicePreferences(() => {
    cachedPreferences = undefined;
    listener();
  });

/** The operator's device choices on this browser, live. */
export function useDevicePreferences(): DevicePreferences {
  return useSyncExternalStore(refreshOnChange, preferencesSnapshot, serverPreferences);
}

