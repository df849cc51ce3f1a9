"use client";

import { useTranslations } from "next-intl";
import { BUTTON } from "./desk-styles";

/** While the operator consults a transfer target (the caller on hold with music): complete the transfer, or go back. */
export default function ConsultBar({ onComplete, onCancel }: { onComplete: () => void; onCancel: () => void }) {
  const tx = useTranslations("externalTransfer");
  return (
    <div role="group" aria-label={tx("consulting")} className="flex flex-wrap items-center gap-2">
      <p role="status" className="text-sm text-slate-800">
        {tx("consulting")}
      </p>
      <button type="button" data-testid="transfer-complete" onClick={onComplete} className={`${BUTTON} bg-brand-700 text-white hover:bg-brand-800`}>
        {tx("complete")}
      </button>
      <button type="button" data-testid="transfer-cancel" onClick={onCancel} className={`${BUTTON} border border-slate-300 bg-white text-slate-800 hover:bg-slate-100`}>
        {tx("cancel")}
      </button>
    </div>
  );
}
