"use client";

import { useEffect, useState } from "react";

/** How long typing must pause before a search goes to the server. */
const DEBOUNCE_MS = 150;

/**
 * Results of `search(text)` as the operator types: one request after each pause, and a late answer to an
 * older text never overwrites a newer one.
 */
export function useSearch<T>(text: string, search: (text: string) => Promise<T[]>): { results: T[]; searching: boolean } {
  const [state, setState] = useState<{ text: string; results: T[] }>({ text: "", results: [] });
  const trimmed = text.trim();
  useEffect(() => {
    if (trimmed.length < 2) return;
    let current = true;
    const timer = setTimeout(() => {
      search(trimmed).then(
        (results) => current && setState({ text: trimmed, results }),
        () => current && setState({ text: trimmed, results: [] }),
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [trimmed, search]);
  if (trimmed.length < 2) return { results: [], searching: false };
  return { results: state.text === trimmed ? state.results : state.results, searching: state.text !== trimmed };
}
