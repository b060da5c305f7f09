/**
 * `npm run bench`: runs every benchmark scenario and prints its figures.
 * BENCH_ONLY=overhead|watchers runs one of them.
 */
import { runOverheadBenchmark } from "./overhead.ts";

const only = process.env.BENCH_ONLY;

if (only === undefined || only === "overhead") {
  await runOverheadBenchmark();
}
