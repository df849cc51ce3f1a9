"use client";

import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useState } from "react";
import type { DeskCallRequest } from "../../server/realtime/events";
import { BUTTON } from "./desk-styles";
import { useDeskSocket } from "./desk-socket";
import { consultFailureOf } from "./call-view";

// Loaded when opened: the desk's first load stays small (bench bundle budget).
const Keypad = dynamic(() => import("./keypad"), { ssr: false });
const TransferPanel = dynamic(() => import("./transfer-panel"), { ssr: false });
const ConsultBar = dynamic(() => import("./consult-bar"), { ssr: false });

const OUTLINE = `${BUTTON} border border-slate-300 bg-white text-slate-800 hover:bg-slate-100`;

/**
 * The controls of a call in progress beside mute and hang up: hold / resume (the caller hears music), the keypad
 * (digits to the caller's side), blind transfer, and consultation (attended transfer: the caller holds, the
 * softphone places a second session to the target, then complete or cancel). The raw `hold`/`resume` token is what tests read; the label
 * next to it is translated.
 */
export function CallControls({
  onConsult,
  onTransferring,
  onTransferRefused,
  consultFailure,
}: {
  onConsult: (callId: string) => void;
  /** Tells the softphone a transfer is asked for (the BYE that follows means "transferred"). */
  onTransferring: (target: string | undefined) => void;
  /** Tells the softphone the transfer asked for was refused (a later BYE is the caller's again). */
  onTransferRefused: () => void;
  consultFailure?: number;
}) {
  const t = useTranslations("callControls");
  const tg = useTranslations("callGaps.consultFailure");
  // Whom the last consultation was for: a refusal of a colleague's and of a number's INVITE mean different things.
  const [consultTarget, setConsultTarget] = useState<"number" | "colleague">();
  const failure = consultFailure !== undefined && consultTarget ? consultFailureOf(consultFailure, consultTarget) : undefined;
  const { operator, callRequest } = useDeskSocket();
  const held = operator?.call?.state === "held";
  const consulting = operator?.call?.state === "consulting";
  const [open, setOpen] = useState<"keypad" | "transfer" | undefined>();
  const [error, setError] = useState<string>();
  const send = async (request: DeskCallRequest) => {
    const result = await callRequest(request);
    setError(result.ok ? undefined : result.error);
    return result.ok;
  };
  // A transfer ends the call with the server's BYE, possibly before the request's answer: the softphone knows first.
  const transfer = async (request: DeskCallRequest, label: string | undefined) => {
    onTransferring(label);
    const ok = await send(request);
    if (!ok) onTransferRefused();
    return ok;
  };
  const toggle = (panel: "keypad" | "transfer") => setOpen((current) => (current === panel ? undefined : panel));

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          data-testid="hold"
          aria-pressed={held}
          aria-label={held ? t("resume") : t("hold")}
          title={held ? t("resume") : t("hold")}
          onClick={() => void send({ action: held ? "resume" : "hold" })}
          className={`${BUTTON} border border-amber-400 ${held ? "bg-amber-500 text-white" : "bg-white text-amber-900 hover:bg-amber-50"}`}
        >
          {held ? "resume" : "hold"}
        </button>
        <span className="text-sm text-slate-700" aria-hidden>
          {held ? t("resume") : t("hold")}
        </span>
        <button type="button" aria-expanded={open === "keypad"} onClick={() => toggle("keypad")} className={OUTLINE} data-testid="open-keypad">
          {t("keypad")}
        </button>
        <button type="button" data-testid="transfer" aria-expanded={open === "transfer"} onClick={() => toggle("transfer")} className={OUTLINE}>
          {t("transfer")}
        </button>
      </div>
      {held && (
        <p role="status" className="text-sm text-amber-900">
          {t("heldNotice")}
        </p>
      )}
      {error && (
        <p role="alert" data-testid="call-control-error" data-error={error} className="text-sm text-red-800">
          {t.has(`error.${error}`) ? t(`error.${error}`) : t("error.other")}
        </p>
      )}
      {failure && (
        <p role="alert" data-testid="consult-failure" data-failure={failure} className="text-sm text-red-800">
          {tg(failure)}
        </p>
      )}
      {open === "keypad" && <Keypad disabled={held} onDigit={(digit) => void send({ action: "dtmf", digit })} />}
      {consulting && <ConsultBar onComplete={() => void transfer({ action: "consult-complete" }, undefined)} onCancel={() => void send({ action: "consult-cancel" })} />}
      {open === "transfer" && !consulting && (
        <TransferPanel
          onTransfer={(target, label) => transfer({ action: "transfer", target }, label || undefined)}
          onConsult={async (target) => {
            const callId = operator?.call?.id;
            setConsultTarget(target.kind === "operator" ? "colleague" : "number");
            const ok = await send({ action: "consult", target });
            // The server holds the caller and waits for the consultation's INVITE: a second session of the softphone.
            if (ok && callId) onConsult(callId);
            if (ok) setOpen(undefined);
            return ok;
          }}
        />
      )}
    </div>
  );
}
