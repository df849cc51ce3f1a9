"use client";

import { useLocale, useTranslations } from "next-intl";
import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { QueuePanelView } from "../../server/board/board-view";
import { chartSeries } from "./chart-series";

/**
 * A queue's day in three charts (uPlot: about 20 KB gzipped, canvas, maintained), loaded only when a supervisor opens
 * them. Each chart is a figure whose canvas is hidden from screen readers and whose data follow in a visually hidden
 * table; on a right-to-left page time runs from right to left and the value axis stands on the right.
 */
export function QueueCharts({ queue, now, zone }: { queue: QueuePanelView; now: number; zone: string }) {
  const t = useTranslations("boardQueues");
  const locale = useLocale();
  const s = useMemo(() => chartSeries(queue, now), [queue, now]);
  const time = (ms: number) => new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone: zone }).format(ms);
  return (
    <div className="mt-2 grid gap-4" data-testid="queue-charts">
      <Chart
        title={t("chartCalls")}
        zone={zone}
        x={s.slots}
        series={[
          { label: t("offered"), values: s.offered, stroke: "#475569" },
          { label: t("answered"), values: s.answered, stroke: "#15803d" },
          { label: t("abandoned"), values: s.abandoned, stroke: "#b91c1c" },
        ]}
        time={time}
        tableLabel={t("chartTable")}
        timeLabel={t("time")}
      />
      <Chart
        title={t("chartServiceLevel")}
        zone={zone}
        x={s.slots}
        series={[{ label: `${t("serviceLevel")} (%)`, values: s.serviceLevel, stroke: "#1d4ed8" }]}
        range={[0, 100]}
        time={time}
        tableLabel={t("chartTable")}
        timeLabel={t("time")}
      />
      <Chart
        title={t("chartWaiting")}
        zone={zone}
        x={s.minutes}
        series={[{ label: t("waiting"), values: s.waiting, stroke: "#b45309" }]}
        time={time}
        tableLabel={t("chartTable")}
        timeLabel={t("time")}
        step
      />
    </div>
  );
}

interface ChartProps {
  title: string;
  zone: string;
  x: number[];
  series: Array<{ label: string; values: Array<number | null>; stroke: string }>;
  range?: [number, number];
  step?: boolean;
  time: (ms: number) => string;
  tableLabel: string;
  timeLabel: string;
}

function Chart({ title, zone, x, series, range, step, time, tableLabel, timeLabel }: ChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useMemo(() => [x, ...series.map((s) => s.values)] as uPlot.AlignedData, [x, series]);
  const shape = `${series.map((s) => s.label).join("|")}:${zone}`;

  useEffect(() => {
    const el = holder.current;
    if (!el) return;
    const rtl = getComputedStyle(el).direction === "rtl";
    const opts: uPlot.Options = {
      width: Math.max(240, el.clientWidth),
      height: 180,
      ms: 1,
      tzDate: (ts) => uPlot.tzDate(new Date(ts), zone),
      scales: { x: { time: true, dir: rtl ? -1 : 1 }, y: range ? { range } : { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { side: rtl ? 1 : 3 }],
      series: [
        {},
        ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, ...(step && { paths: uPlot.paths.stepped!({ align: 1 }) }) })),
      ],
    };
    plot.current = new uPlot(opts, data, el);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its shape changes; new data go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    <figure>
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <div ref={holder} aria-hidden="true" />
      <table className="sr-only" data-testid="chart-data">
        <caption>
          {title}: {tableLabel}
        </caption>
        <thead>
          <tr>
            <th scope="col">{timeLabel}</th>
            {series.map((s) => (
              <th key={s.label} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {x.map((at, i) => (
            <tr key={at}>
              <th scope="row">{time(at)}</th>
              {series.map((s) => (
                <td key={s.label}>{s.values[i] ?? "–"}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
