/**
 * Class lists shared by the desk's panels, so the raw-value badges and the action buttons look the
 * same everywhere on the page.
 */

/**
 * A machine-readable value (what tests and tools read: `idle`, `registered`, `paused`…) kept in the page but not
 * shown: the translated label sits next to it, and users must not see raw codes. `sr-only` alone still reaches
 * screen readers: every element with this class must also carry `aria-hidden`. Where no test reads the value as
 * text, prefer a `data-*` attribute on the labelled element (as `call-control-error`'s `data-error`).
 */
export const RAW_BADGE = "sr-only";

/** Base of every action button; callers add the colours. */
export const BUTTON = "rounded px-4 py-2 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50";
