/**
 * Runs the load generator on its own thread, so its event loop does not
 * share one with Miniflare and the upstream in the benchmark's main thread.
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { runLoad, type LoadOptions, type LoadResult } from "./load.ts";

// Thread entry code runs in every thread that imports this module, so each
// thread checks that it was started for this role.
const THREAD_ROLE = "load-generator";

export function runLoadOnThread(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL(import.meta.url), { workerData: { role: THREAD_ROLE, options } });
    thread.once("message", (result: LoadResult) => resolve(result));
    thread.once("error", reject);
    thread.once("exit", (code) => {
      if (code !== 0) {
        reject(new Error(`load thread exited with code ${code}`));
      }
    });
  });
}

const data = workerData as { role?: string; options: LoadOptions } | null;
if (!isMainThread && parentPort !== null && data?.role === THREAD_ROLE) {
  parentPort.postMessage(await runLoad(data.options));
}
