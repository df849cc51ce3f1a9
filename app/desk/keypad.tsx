"use client";

import { useTranslations } from "next-intl";
import { BUTTON } from "./desk-styles";

/** The keys in telephone order, with their test ids (`dtmf-1` … `dtmf-0`, `dtmf-star`, `dtmf-hash`). */
const KEYS: ReadonlyArray<{ digit: string; id: string }> = [
  ..."123456789".split("").map((digit) => ({ digit, id: digit })),
  { digit: "*", id: "star" },
  { digit: "0", id: "0" },
  { digit: "#", id: "hash" },
];

/** A telephone keypad: each key sends one DTMF digit to the caller's side (a provider's menu, an extension). */
export default function Keypad({ onDigit, disabled }: { onDigit: (digit: string) => void; disabled?: boolean }) {
  const t = useTranslations("callControls");
  return (
    <div data-testid="keypad" role="group" aria-label={t("keypad")} dir="ltr" className="grid w-48 grid-cols-3 gap-2">
      {KEYS.map(({ digit, id }) => (
        <button
          key={id}
          type="button"
          data-testid={`dtmf-${id}`}
          disabled={disabled}
          aria-label={t("key", { digit })}
          onClick={() => onDigit(digit)}
          className={`${BUTTON} border border-slate-300 bg-white text-lg tabular-nums text-slate-900 hover:bg-slate-100`}
        >
          {digit}
        </button>
      ))}
    </div>
  );
}
