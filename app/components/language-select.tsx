"use client";

import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { setLocale } from "../actions/session";
import { LOCALES } from "../../server/i18n/locales";

export function LanguageSelect() {
  const t = useTranslations();
  const locale = useLocale();
  const [pending, startTransition] = useTransition();
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="sr-only">{t("nav.language")}</span>
      <select
        data-testid="language-select"
        aria-label={t("nav.language")}
        className="rounded border border-slate-300 bg-white px-2 py-1"
        value={locale}
        disabled={pending}
        onChange={(event) => {
          const form = new FormData();
          form.set("locale", event.target.value);
          startTransition(() => setLocale(form));
        }}
      >
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {t(`languages.${code}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
