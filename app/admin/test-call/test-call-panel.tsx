"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { TestCaller, type TestCallState } from "./test-caller";

export function TestCallPanel({ numbers }: { numbers: Array<{ number: string; queue: string; label: string | null }> }) {
  const t = useTranslations("testCall");
  const audio = useRef<HTMLAudioElement>(null);
  const caller = useRef<TestCaller | null>(null);
  const [state, setState] = useState<TestCallState>("idle");
  const [detail, setDetail] = useState<string>();
  const [number, setNumber] = useState(numbers[0]?.number ?? "");

  useEffect(() => () => void caller.current?.hangup(), []);

  const start = () => {
    const phone = new TestCaller(audio.current!);
    phone.onChange((next, why) => {
      setState(next);
      setDetail(why);
    });
    caller.current = phone;
    void phone.call(number);
  };
  const busy = state === "connecting" || state === "connected";

  if (numbers.length === 0) {
    return (
      <p className="mt-4 text-slate-600" data-testid="no-numbers">
        {t("noNumbers")}{" "}
        <Link href="/admin/queues" className="text-brand-700 underline">
          {t("queuesLink")}
        </Link>
      </p>
    );
  }
  return (
    <section className="mt-6 max-w-xl rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm font-medium">
          {t("number")}
          <select
            data-testid="test-call-number"
            value={number}
            disabled={busy}
            onChange={(e) => setNumber(e.target.value)}
            className="rounded border border-slate-300 bg-white px-2 py-1.5 font-normal"
          >
            {numbers.map((n) => (
              <option key={n.number} value={n.number}>
                {t("numberOption", { number: n.number, queue: n.queue })}
              </option>
            ))}
          </select>
        </label>
        {busy ? (
          <button type="button" data-testid="test-call-hangup" onClick={() => void caller.current?.hangup()} className="rounded bg-red-600 px-4 py-2 font-medium text-white hover:bg-red-700">
            {t("hangup")}
          </button>
        ) : (
          <button type="button" data-testid="test-call-start" onClick={start} className="rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
            {t("call")}
          </button>
        )}
      </div>
      <p className="mt-4 text-sm" role="status" aria-live="polite">
        {t(`state.${state}`)}
        {detail && state === "failed" && <span className="ms-2 text-red-700">({detail})</span>}
        <span className="ms-2 rounded bg-slate-100 px-1.5 font-mono text-xs" aria-hidden data-testid="test-call-state">
          {state}
        </span>
      </p>
      <p className="mt-2 text-xs text-slate-500">{t("hint")}</p>
      <audio ref={audio} autoPlay data-testid="test-call-audio" />
    </section>
  );
}
