// Jobs created for tests through POST /__simulator/jobs or Simulator.createJob:
// an OP_TEST_DELAY (gnt-debug delay) that logs one entry per step.

import type { TestJobOptions } from "./control.ts";
import type { JobQueue } from "./jobs.ts";
import { PyFloat } from "./py-json.ts";

const DEFAULT_STEPS = 3;

export function submitTestJob(jobs: JobQueue, options: TestJobOptions, defaultStepMs: number): number {
  const steps = options.steps ?? DEFAULT_STEPS;
  const stepMs = options.stepMs ?? defaultStepMs;
  const logs = Array.from({ length: steps }, (_unused, index) => `step ${index + 1} of ${steps}`);

  return jobs.submit(
    [
      {
        opId: "OP_TEST_DELAY",
        params: { duration: new PyFloat((steps * stepMs) / 1000), on_master: true, on_nodes: [], repeat: 0, interruptible: false },
        start: () =>
          options.final === "error"
            ? { kind: "error", errorClass: "OpExecError", args: ["Simulated failure"], logs }
            : { kind: "success", result: null, logs },
      },
    ],
    { reasonTrail: [["gnt:client:gnt-debug", "delay"]], stepMs },
  );
}
