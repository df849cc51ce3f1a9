"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";

/** The desk's keyboard shortcuts, as `aria-keyshortcuts` names them, with what each does. */
export const SHORTCUTS = [
  { keys: "Alt+A", action: "answer" },
  { keys: "Alt+H", action: "hangup" },
  { keys: "Alt+M", action: "mute" },
  { keys: "/", action: "search" },
  { keys: "Alt+D", action: "directory" },
  { keys: "Alt+N", action: "nextStep" },
  { keys: "Ctrl+Enter", action: "submit" },
  { keys: "Alt+E", action: "extend" },
  { keys: "?", action: "help" },
] as const;

/** The help overlay (`?`): a modal dialog listing the shortcuts; Escape or Close returns focus where it was. */
export default function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const t = useTranslations("workspace.shortcuts");
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    element?.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog ref={dialog} onClose={onClose} aria-labelledby="shortcuts-title" data-testid="shortcut-help" className="m-auto rounded-lg p-4 shadow-xl backdrop:bg-slate-900/40">
      <h2 id="shortcuts-title" className="mb-2 text-lg font-semibold">
        {t("title")}
      </h2>
      <table className="text-sm">
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.keys}>
              <td className="pe-4 py-1">
                <kbd dir="ltr" className="rounded border border-slate-300 bg-slate-50 px-1.5 font-mono">
                  {shortcut.keys}
                </kbd>
              </td>
              <td className="py-1">{t(shortcut.action)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog" className="mt-3 text-end">
        <button className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100" autoFocus>
          {t("close")}
        </button>
      </form>
    </dialog>
  );
}
