"use client";

import { useTranslations } from "next-intl";
import { startTransition, useState, type FormEvent } from "react";
import { limitMessageValues, MAX_PROMPT_BYTES, oversizedFiles } from "../../../server/forms/upload-limits";
import { FieldFrame } from "../../components/form-field";
import { useStaffingForm } from "../staffing-form-bits";
import { SelectField } from "../queues/form-bits";
import { uploadPromptAction } from "./actions";
import { FORM_CARD, SubmitRow } from "./hours-forms";

const FIELDS = ["language", "prompt", "file"];

/** Listen to any prompt of any language, and replace it with an uploaded recording. */
export function PromptForm({ prompts }: { prompts: readonly string[] }) {
  const t = useTranslations("hours");
  const tLanguages = useTranslations("languages");
  const { state, action, pending } = useStaffingForm(uploadPromptAction);
  const [language, setLanguage] = useState(state.values?.language ?? "en");
  const [prompt, setPrompt] = useState(state.values?.prompt ?? prompts[0] ?? "");
  const [tooLarge, setTooLarge] = useState(false);
  // A new URL after each upload, so the player fetches the replacement.
  const src = `/api/prompts/${language}/${encodeURIComponent(prompt)}?v=${state.round ?? 0}`;
  const fileError = tooLarge ? "hours.validation.fileSize" : state.errors?.file;
  // Submitted by hand, not through the form's `action`: React would reset the form afterwards, and the selects,
  // whose choice the player follows, would show the first option while the state still held the chosen one.
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    // Refused before it is sent, as the server would (server/hours/prompt-upload.ts).
    const large = oversizedFiles(data, [{ name: "file", maxBytes: MAX_PROMPT_BYTES }]).file !== undefined;
    setTooLarge(large);
    if (!large) startTransition(() => action(data));
  };
  return (
    <form onSubmit={submit} className={FORM_CARD} data-testid="prompt-form">
      <div className="flex flex-wrap items-start gap-4">
        <SelectField
          label={t("language")}
          name="language"
          id="prompt-language"
          value={language}
          onChange={(e) => setLanguage(e.target.value)}
          options={(["en", "fr", "ar"] as const).map((l) => ({ value: l, label: tLanguages(l) }))}
          error={state.errors?.language}
        />
        <SelectField label={t("prompt")} name="prompt" id="prompt-name" value={prompt} onChange={(e) => setPrompt(e.target.value)} options={prompts.map((p) => ({ value: p, label: p }))} error={state.errors?.prompt} />
      </div>
      <div>
        <p className="text-sm font-medium">{t("listen")}</p>
        <audio controls preload="none" src={src} data-testid="prompt-player" className="mt-1" />
      </div>
      <FieldFrame id="prompt-file" name="file" label={t("file")} hint={t("fileHint", limitMessageValues("hours.fileHint"))} error={fileError}>
        <input id="prompt-file" name="file" type="file" accept=".wav,.mp3,.ogg,audio/wav,audio/mpeg,audio/ogg" aria-invalid={fileError ? true : undefined} aria-describedby={fileError ? "prompt-file-error" : "prompt-file-hint"} />
      </FieldFrame>
      <SubmitRow pending={pending} testId="upload-prompt" label={t("upload")} state={state} fields={FIELDS} />
    </form>
  );
}
