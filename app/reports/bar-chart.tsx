"use client";

import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { useEffect, useRef } from "react";

// Only the pieces a bar chart needs: Chart.js tree-shakes the rest out of the bundle.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface BarSeries {
  label: string;
  values: number[];
  color: string;
}

/**
 * A stacked bar chart (Chart.js on a canvas). Right-to-left pages mirror it: the first category on the right,
 * the value axis on the right, legend and tooltips laid out right to left. The table next to each chart carries
 * the same figures for screen readers (`aria-hidden` canvas with a label).
 */
export default function BarChart({ labels, series, title, rtl, testId }: { labels: string[]; series: BarSeries[]; title: string; rtl: boolean; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: { labels, datasets: series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.color })) },
      options: {
        animation: false,
        maintainAspectRatio: false,
        locale: document.documentElement.lang || undefined,
        scales: { x: { stacked: true, reverse: rtl }, y: { stacked: true, beginAtZero: true, position: rtl ? "right" : "left", ticks: { precision: 0 } } },
        plugins: { legend: { rtl, textDirection: rtl ? "rtl" : "ltr" }, tooltip: { rtl, textDirection: rtl ? "rtl" : "ltr" } },
      },
    });
    return () => chart.destroy();
  }, [labels, series, rtl]);
  return (
    <div className="relative h-64 w-full" data-testid={testId}>
      <canvas ref={canvas} role="img" aria-label={title} />
    </div>
  );
}
