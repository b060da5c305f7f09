/**
 * Runs the RAPI simulator on its own thread, as the daemon runs on its own
 * host, so its work does not share an event loop with Miniflare's.
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { startSimulator, type SimulatorOptions } from "../simulator/server.ts";

// Thread entry code runs in every thread that imports this module, so each
// thread checks that it was started for this role.
const THREAD_ROLE = "rapi-simulator";

export interface SimulatorOnThread {
  readonly url: string;
  close(): Promise<void>;
}

export function startSimulatorOnThread(options: SimulatorOptions): Promise<SimulatorOnThread> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL(import.meta.url), { workerData: { role: THREAD_ROLE, options } });
    thread.once("error", reject);
    thread.once("message", (url: string) => {
      resolve({
        url,
        close: async () => {
          await thread.terminate();
        },
      });
    });
  });
}

const data = workerData as { role?: string; options: SimulatorOptions } | null;
if (!isMainThread && parentPort !== null && data?.role === THREAD_ROLE) {
  const simulator = await startSimulator(data.options);
  parentPort.postMessage(simulator.url);
}
