"use client";

import type { RefObject } from "react";

/**
 * The heading and search box every desk panel opens with: a visually hidden label, `type="search"`, the text's own
 * direction (`dir="auto"`, so Arabic and Latin queries both read right), and the panel's keyboard shortcut announced
 * through `aria-keyshortcuts`. `id` names the input; `${id}-title` the heading the section is labelled by.
 */
export function SearchField({
  id,
  title,
  label,
  placeholder,
  shortcut,
  value,
  onChange,
  inputRef,
}: {
  id: string;
  title: string;
  label: string;
  placeholder: string;
  shortcut: string;
  value: string;
  onChange: (value: string) => void;
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  return (
    <>
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        ref={inputRef}
        type="search"
        dir="auto"
        autoComplete="off"
        data-testid={id}
        aria-keyshortcuts={shortcut}
        placeholder={placeholder}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        className="rounded border border-slate-300 px-3 py-2"
      />
    </>
  );
}
