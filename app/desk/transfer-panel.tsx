"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useState } from "react";
import type { TransferTargetOption, TransferTargetRef } from "../../server/realtime/events";
import { BUTTON } from "./desk-styles";
import { useDeskSocket } from "./desk-socket";

/**
 * Consultation (attended transfer) from the desk: the server holds the caller (music) and the softphone places the
 * consultation as a second SIP session with its own rtpengine call (moving the one WebRTC leg onto another rtpengine
 * call left Chromium without SRTP: see call-session.ts). Outside numbers, directory contacts, colleagues and queues
 * (the queue's next free operator, chosen by the server).
 */
const key = (target: TransferTargetRef): string =>
  target.kind === "queue" ? `queue:${target.queueId}` : target.kind === "operator" ? `operator:${target.userId}` : target.kind === "contact" ? `contact:${target.contactId}` : `number:${target.number}`;

/**
 * Blind transfer of the current call: choose a queue (the caller keeps their place by arrival time), a colleague
 * (only they ring; unanswered, the caller comes back to the queue first in line), a directory contact, or type a
 * number (both called through the trunk, within the outbound allow-list; unanswered, the caller comes back), then
 * transfer, or consult first (attended transfer to any of them; for a queue, its next free operator: the caller holds with music
 * while the operator talks to them on a second session, then completes or cancels with the buttons in CallControls).
 */
export default function TransferPanel({
  onTransfer,
  onConsult,
}: {
  /** `label`: the target as the operator chose it (queue or colleague name, number), for the desk's "transferred to". */
  onTransfer: (target: TransferTargetRef, label: string) => Promise<boolean>;
  onConsult: (target: TransferTargetRef) => Promise<boolean>;
}) {
  const t = useTranslations("callControls");
  const tx = useTranslations("externalTransfer");
  const [typed, setTyped] = useState("");
  const { transferTargets } = useDeskSocket();
  const [targets, setTargets] = useState<TransferTargetOption[]>();
  const [chosen, setChosen] = useState("");
  const [busy, setBusy] = useState(false);
  const selectId = useId();

  useEffect(() => {
    let live = true;
    void transferTargets().then((list) => live && setTargets(list));
    return () => {
      live = false;
    };
  }, [transferTargets]);

  const number = typed.trim();
  const chosenOption = targets?.find((option) => key(option.target) === chosen);
  const target: TransferTargetRef | undefined = number ? { kind: "number", number } : chosenOption?.target;
  const contacts = targets?.filter((option) => option.target.kind === "contact") ?? [];
  // Consultation reaches outside numbers, directory contacts, available colleagues and a queue's next free operator
  // (a colleague's softphone rings as an internal call; completed, the caller is transferred to them and their desk
  // answers at once).
  const consultable = target !== undefined;
  const queues = targets?.filter((option) => option.target.kind === "queue") ?? [];
  const colleagues = targets?.filter((option) => option.target.kind === "operator") ?? [];

  return (
    <div role="group" aria-labelledby={`${selectId}-title`} className="flex flex-col gap-2 rounded border border-slate-300 bg-white p-3">
      <h3 id={`${selectId}-title`} className="font-semibold">
        {t("transferTitle")}
      </h3>
      <label htmlFor={selectId} className="text-sm text-slate-700">
        {t("transferTarget")}
      </label>
      <select
        id={selectId}
        data-testid="transfer-target"
        value={chosen}
        onChange={(event) => setChosen(event.target.value)}
        className="rounded border border-slate-300 px-2 py-1"
      >
        <option value="">{targets ? t("choose") : t("loading")}</option>
        {queues.length > 0 && (
          <optgroup label={t("queues")}>
            {queues.map((option) => (
              <option key={key(option.target)} value={key(option.target)}>
                {option.label}
              </option>
            ))}
          </optgroup>
        )}
        {colleagues.length > 0 && (
          <optgroup label={t("colleagues")}>
            {colleagues.map((option) => (
              <option key={key(option.target)} value={key(option.target)} disabled={option.status !== "available"}>
                {option.status === "available" ? option.label : t("colleagueBusy", { name: option.label })}
              </option>
            ))}
          </optgroup>
        )}
        {contacts.length > 0 && (
          <optgroup label={tx("contacts")}>
            {contacts.map((option) => (
              <option key={key(option.target)} value={key(option.target)}>
                {option.label}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <label htmlFor={`${selectId}-number`} className="text-sm text-slate-700">
        {tx("number")}
      </label>
      <input
        id={`${selectId}-number`}
        data-testid="transfer-number"
        type="tel"
        inputMode="tel"
        autoComplete="off"
        maxLength={32}
        value={typed}
        onChange={(event) => setTyped(event.target.value)}
        className="rounded border border-slate-300 px-2 py-1"
      />
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          data-testid="transfer-blind"
          disabled={!target || busy}
          onClick={() => {
            if (!target) return;
            setBusy(true);
            const label = number || (chosenOption?.label ?? "");
            void onTransfer(target, label).finally(() => setBusy(false));
          }}
          className={`${BUTTON} bg-brand-700 text-white hover:bg-brand-800`}
        >
          {t("blind")}
        </button>
        <button
          type="button"
          data-testid="transfer-consult"
          disabled={!consultable || busy}
          title={consultable ? undefined : tx("consultUnavailable")}
          onClick={() => {
            if (!target || !consultable) return;
            setBusy(true);
            void onConsult(target).finally(() => setBusy(false));
          }}
          className={`${BUTTON} border border-slate-300 bg-white text-slate-800 hover:bg-slate-100`}
        >
          {t("consult")}
        </button>
      </div>
      <p className="text-xs text-slate-600">{tx("consultOutsideOnly")}</p>
    </div>
  );
}
