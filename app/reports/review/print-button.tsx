"use client";

/** Opens the browser's print dialog (the page's print stylesheet hides the navigation and buttons). */
export function PrintButton({ label }: { label: string }) {
  return (
    <button type="button" onClick={() => window.print()} className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 print:hidden" data-testid="print-review">
      {label}
    </button>
  );
}
