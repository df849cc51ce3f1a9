"use client";

import { useTranslations } from "next-intl";
import { useCallback, useState, type RefObject } from "react";
import type { DirectoryRow } from "../../db/queries/directory";
import type { Colleague } from "../../server/directory/directory-service";
import { CopyButton } from "../components/copy-button";
import { SearchField } from "../components/search-field";
import { searchDirectoryAction } from "./actions";
import { useSearch } from "./use-search";

/**
 * Who can help: the staff directory searched by name or competence. Until transfers exist, each number can be
 * called (`tel:`, for a phone beside the desk) or copied.
 */
export default function DirectoryPanel({ inputRef }: { inputRef: RefObject<HTMLInputElement | null> }) {
  const t = useTranslations("workspace.directory");
  const [text, setText] = useState("");
  const statusName = useTranslations("operatorStatus.status");
  const search = useCallback(async (q: string) => [await searchDirectoryAction(q)], []);
  const { results: found } = useSearch<{ people: DirectoryRow[]; colleagues: Colleague[] }>(text, search);
  const results = found[0]?.people ?? [];
  const colleagues = found[0]?.colleagues ?? [];
  return (
    <section aria-labelledby="directory-search-title" className="flex flex-col gap-2">
      <SearchField
        id="directory-search"
        title={t("title")}
        label={t("search")}
        placeholder={t("placeholder")}
        shortcut="Alt+D"
        value={text}
        onChange={setText}
        inputRef={inputRef}
      />
      {text.trim().length >= 2 && results.length === 0 && colleagues.length === 0 && <p className="text-sm text-slate-600">{t("none")}</p>}
      {colleagues.length > 0 && (
        <ul className="flex flex-col gap-1" aria-label={t("colleagues")}>
          {colleagues.map((colleague) => (
            <li key={colleague.userId} data-testid="directory-colleague" dir="auto" className="flex items-center justify-between gap-2 rounded border border-slate-200 p-2 text-sm">
              <span className="font-medium">{colleague.name}</span>
              <span data-testid="colleague-status" data-status={colleague.status ?? "offline"} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">
                {statusName(colleague.status ?? "offline")}
              </span>
            </li>
          ))}
        </ul>
      )}
      {results.length > 0 && <p className="text-xs text-slate-500">{t("transferLater")}</p>}
      <ul className="flex max-h-60 flex-col gap-2 overflow-y-auto" aria-live="polite">
        {results.map((person) => (
          <li key={person.id} data-testid="directory-result" dir="auto" className="rounded border border-slate-200 p-2 text-sm">
            <p className="font-medium">{person.name}</p>
            <p className="text-slate-600">{[person.title, person.department].filter(Boolean).join(" · ")}</p>
            {person.competences.length > 0 && <p className="text-xs text-slate-500">{person.competences.join(", ")}</p>}
            {person.hours && <p className="text-xs text-slate-500">{person.hours}</p>}
            <div className="mt-1 flex flex-wrap gap-2">
              {person.phones.map((phone) => (
                <span key={phone} className="flex items-center gap-1">
                  <a href={phone.startsWith("sip") ? phone : `tel:${phone.replace(/[^0-9+]/g, "")}`} dir="ltr" className="text-brand-700 underline">
                    {phone}
                  </a>
                  <CopyButton text={phone} label={t("copy")} done="✓" />
                </span>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
