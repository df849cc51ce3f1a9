/**
 * `npm run bench [name…]`: runs the benchmarks (all, or those whose name contains an argument).
 * Each prints one JSON object a line with its name and figures. Benchmarks time things; tests don't.
 */
import * as boardPush from "./board/board-push";
import * as pageWeight from "./bundle/page-weight";
import * as playMedia from "./media/play-media";
import * as callSetup from "./calls/call-setup";
import * as concurrentCalls from "./calls/concurrent-calls";
import * as memory from "./calls/memory";
import * as soak from "./calls/soak";
import * as surge from "./calls/surge";
import * as dispatchLatency from "./queue/dispatch-latency";
import * as simulatedDay from "./queue/simulated-day";
import * as reportsMonth from "./reports/summary-month";

const BENCHMARKS: Record<string, () => void | Promise<void>> = {
  "queue/dispatch-latency": dispatchLatency.main,
  "queue/simulated-day": simulatedDay.main,
  "calls/setup": callSetup.main,
  "calls/concurrent": concurrentCalls.main,
  "calls/surge": surge.main,
  "calls/soak": soak.main,
  "calls/memory": memory.main,
  "media/play-media": playMedia.main,
  bundle: pageWeight.main,
  "board/push": boardPush.main,
  "reports/summary-month": reportsMonth.main,
};

const filters = process.argv.slice(2);
for (const [name, run] of Object.entries(BENCHMARKS)) {
  if (filters.length === 0 || filters.some((f) => name.includes(f))) await run();
}
