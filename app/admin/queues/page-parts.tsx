import type { ReactNode } from "react";

/** A titled part of a queue page, labelled by its heading for screen readers. */
export function Section({ id, title, intro, children }: { id: string; title: string; intro?: string; children: ReactNode }) {
  return (
    <section className="mt-10" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="text-lg font-medium">
        {title}
      </h2>
      {intro && <p className="mt-1 text-sm text-slate-600">{intro}</p>}
      {children}
    </section>
  );
}

/**
 * The bordered table every list on the queue pages uses (queues, members, numbers, VIP callers),
 * or the `empty` sentence when there is no row. Server-renderable: rows may be client components.
 */
export function ListTable({
  testId,
  headers,
  rowCount,
  empty,
  narrow = false,
  children,
}: {
  testId: string;
  headers: readonly string[];
  rowCount: number;
  /** Shown instead of the table when `rowCount` is 0; omit to always show the table. */
  empty?: string;
  /** Short lists (numbers, VIPs) need not span the page. */
  narrow?: boolean;
  children: ReactNode;
}) {
  if (rowCount === 0 && empty !== undefined) {
    return (
      <p className="mt-3 text-sm text-slate-500" data-testid={`${testId}-empty`}>
        {empty}
      </p>
    );
  }
  return (
    <div className={`mt-3 overflow-x-auto rounded-lg border border-slate-200 bg-white ${narrow ? "max-w-2xl" : ""}`}>
      <table className="w-full text-sm" data-testid={testId}>
        <thead>
          <tr className="border-b border-slate-200 text-slate-600">
            {headers.map((header) => (
              <th key={header} className="p-3 text-start font-medium">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
