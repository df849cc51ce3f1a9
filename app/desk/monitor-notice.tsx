"use client";

import { useTranslations } from "next-intl";
import { useDeskSocket } from "./desk-socket";

/**
 * Tells the operator that a supervisor listens to their call or whispers to them (issue 12: listening may be hidden
 * by the MONITOR_SHOW_LISTENING policy; a whisper is always shown, since the operator hears it).
 */
export function MonitorNotice() {
  const t = useTranslations("boardMonitor");
  const { monitor } = useDeskSocket();
  if (!monitor) return null;
  return (
    <p role="status" className="mt-2 rounded border border-blue-200 bg-blue-50 p-2 text-sm text-blue-900" data-testid="monitor-notice" data-mode={monitor.mode}>
      {t(monitor.mode === "barge" ? "operatorBarge" : monitor.mode === "whisper" ? "operatorWhisper" : "operatorListen", { name: monitor.supervisorName })}
    </p>
  );
}
