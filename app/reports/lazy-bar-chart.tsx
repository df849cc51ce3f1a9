"use client";

import dynamic from "next/dynamic";
import type { BarSeries } from "./bar-chart";

/** The bar chart, loaded only when a report page shows one (Chart.js stays out of every other page's bundle). */
const BarChart = dynamic(() => import("./bar-chart"), { ssr: false, loading: () => <div className="h-64 w-full animate-pulse rounded bg-slate-100" /> });

export function LazyBarChart(props: { labels: string[]; series: BarSeries[]; title: string; rtl: boolean; testId: string }) {
  return <BarChart {...props} />;
}
