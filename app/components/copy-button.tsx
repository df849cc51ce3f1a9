"use client";

import { useState } from "react";

/** Copies `text` to the clipboard; says so for two seconds (announced to screen readers). */
export function CopyButton({ text, label, done, className, testId }: { text: string; label: string; done: string; className?: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      data-testid={testId}
      className={className ?? "rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100"}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => {
            setCopied(true);
            setTimeout(() => setCopied(false), 2000);
          },
          () => setCopied(false),
        );
      }}
    >
      <span aria-live="polite">{copied ? done : label}</span>
    </button>
  );
}
