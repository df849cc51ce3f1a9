/**
 * Class lists shared by the desk's panels, so the raw-value badges and the action buttons look the
 * same everywhere on the page.
 */

/** Small monospace badge for a machine-readable value (what tests and tools read); the translated label sits next to it. */
export const RAW_BADGE = "rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-600 empty:hidden";

/** Base of every action button; callers add the colours. */
export const BUTTON = "rounded px-4 py-2 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50";
