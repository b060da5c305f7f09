/**
 * Runs the load generator on its own thread, so its event loop does not
 * share one with Miniflare and the upstream in the benchmark's main thread.
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { runLoad, type LoadOptions, type LoadResult } from "./load.ts";

export function runLoadOnThread(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL(import.meta.url), { workerData: options });
    thread.once("message", (result: LoadResult) => resolve(result));
    thread.once("error", reject);
    thread.once("exit", (code) => {
      if (code !== 0) {
        reject(new Error(`load thread exited with code ${code}`));
      }
    });
  });
}

if (!isMainThread && parentPort !== null) {
  parentPort.postMessage(await runLoad(workerData as LoadOptions));
}
