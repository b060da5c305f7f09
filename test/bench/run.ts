/**
 * `npm run bench`: runs every benchmark scenario and prints its figures.
 * BENCH_ONLY=overhead or BENCH_ONLY=watchers runs one of them.
 */
import { runOverheadBenchmark } from "./overhead.ts";
import { runWatchersBenchmark } from "./watchers.ts";

const only = process.env.BENCH_ONLY;

if (only === undefined || only === "overhead") {
  await runOverheadBenchmark();
}
if (only === undefined || only === "watchers") {
  await runWatchersBenchmark();
}
