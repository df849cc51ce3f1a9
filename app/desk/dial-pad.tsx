"use client";

import { useEffect, useState, type FormEvent } from "react";
import { useTranslations } from "next-intl";
import { BUTTON } from "./desk-styles";
import { useDeskSocket } from "./desk-socket";
import { isDialable } from "./outbound-dial-rules";
import type { SoftphoneControls } from "./use-softphone";

/**
 * The dial pad for outbound calls: a number field and Call, while the phone is idle; "Calling…" with Hang up while
 * it rings out; why it did not connect afterwards (refused by the allow-list, busy, no answer). The server also asks
 * the desk to dial (a callback clicked on /callbacks, `desk:dial`): the same call, with the request's id.
 * During the call the operator is paused "outbound" by the server, so no queue call is offered.
 */
export function DialPad({ controls }: { controls: SoftphoneControls }) {
  const t = useTranslations("outbound");
  const { state, dial, hangup } = controls;
  const { onDial } = useDeskSocket();
  const [number, setNumber] = useState("");
  const [invalid, setInvalid] = useState(false);
  const ready = state.registration === "registered" && state.call === "idle";

  useEffect(
    () =>
      onDial((request) => {
        setNumber(request.number);
        dial(request.number, request.callbackId);
      }),
    [onDial, dial],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!isDialable(number)) return setInvalid(true);
    setInvalid(false);
    dial(number);
  };

  if (state.call === "dialling") {
    return (
      <div data-testid="outbound-call" className="mt-3 flex flex-wrap items-center gap-3 rounded-lg border-2 border-brand-600 bg-brand-50 p-3" role="status">
        <span className="inline-block h-3 w-3 animate-pulse rounded-full bg-brand-600" aria-hidden />
        <span>{t("calling", { number: state.offer?.caller ?? number })}</span>
        <button type="button" data-testid="hangup" onClick={hangup} className={`${BUTTON} bg-red-700 text-white hover:bg-red-800`}>
          {t("cancel")}
        </button>
      </div>
    );
  }
  if (state.call !== "idle") return null;
  return (
    <form onSubmit={submit} className="mt-3 flex flex-col gap-2" aria-labelledby="dial-title" noValidate>
      <h3 id="dial-title" className="font-semibold">
        {t("title")}
      </h3>
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col text-sm">
          <span className="text-slate-600">{t("number")}</span>
          <input
            data-testid="dial-number"
            type="tel"
            dir="ltr"
            inputMode="tel"
            autoComplete="off"
            value={number}
            onChange={(event) => setNumber(event.target.value)}
            aria-invalid={invalid}
            aria-describedby={invalid ? "dial-invalid" : undefined}
            className="rounded border border-slate-300 px-2 py-1.5 tabular-nums"
          />
        </label>
        <button type="submit" data-testid="dial" disabled={!ready || !number.trim()} className={`${BUTTON} bg-green-700 text-white hover:bg-green-800 disabled:opacity-50`}>
          {t("dial")}
        </button>
      </div>
      {invalid && (
        <p id="dial-invalid" role="alert" className="text-sm text-red-700">
          {t("invalid")}
        </p>
      )}
      {state.dialFailure && (
        <p role="alert" data-testid="dial-failure" data-failure={state.dialFailure} className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900">
          {t(`failure.${state.dialFailure}`)}
        </p>
      )}
    </form>
  );
}
