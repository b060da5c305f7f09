// Test-only endpoints under /__simulator/ (never a RAPI path): stats, a
// stats reset, test jobs and fault injection. They are not counted in stats.

import { HttpError, errorBody } from "./errors.ts";
import { type FaultInjector, parseFaultOptions } from "./faults.ts";
import type { WireRequest } from "./http-wire.ts";
import type { RapiResponse } from "./rapi-pipeline.ts";
import { splitTarget } from "./rapi-pipeline.ts";
import type { StatsRecorder } from "./stats.ts";

export const CONTROL_PREFIX = "/__simulator/";

export interface TestJobOptions {
  /** Log entries the job writes while running, one per step; default 3. */
  readonly steps?: number | undefined;
  /** How the job ends; default success. */
  readonly final?: "success" | "error" | undefined;
  /** Step duration for this job; default the simulator's jobStepMs. */
  readonly stepMs?: number | undefined;
}

export interface ControlTargets {
  readonly stats: StatsRecorder;
  readonly faults: FaultInjector;
  readonly createJob: (options: TestJobOptions) => number;
}

export function isControlRequest(request: WireRequest): boolean {
  return request.target.startsWith(CONTROL_PREFIX);
}

/** Checks test job options; throws RangeError naming the bad value. */
export function parseTestJobOptions(value: unknown): TestJobOptions {
  if (typeof value !== "object" || value === null) {
    throw new RangeError("job options must be a JSON object");
  }
  const { steps, final, stepMs } = value as Record<string, unknown>;
  if (steps !== undefined && (!Number.isInteger(steps) || (steps as number) < 0)) {
    throw new RangeError(`steps must be a non-negative integer; got ${JSON.stringify(steps)}`);
  }
  if (final !== undefined && final !== "success" && final !== "error") {
    throw new RangeError(`final must be "success" or "error"; got ${JSON.stringify(final)}`);
  }
  if (stepMs !== undefined && (!Number.isInteger(stepMs) || (stepMs as number) < 1)) {
    throw new RangeError(`stepMs must be a positive integer; got ${JSON.stringify(stepMs)}`);
  }
  return { steps: steps as number | undefined, final: final as TestJobOptions["final"], stepMs: stepMs as number | undefined };
}

function json(status: number, value: unknown): RapiResponse {
  return { status, headers: [["Content-Type", "application/json"]], body: `${JSON.stringify(value)}\n` };
}

function parseJsonBody(request: WireRequest): unknown {
  try {
    return request.body === "" ? {} : JSON.parse(request.body);
  } catch {
    throw new HttpError(400, "Unable to parse JSON data");
  }
}

function route(request: WireRequest, targets: ControlTargets): RapiResponse {
  const endpoint = `${request.method.toUpperCase()} ${splitTarget(request.target).path}`;
  switch (endpoint) {
    case "GET /__simulator/stats":
      return json(200, targets.stats.snapshot());
    case "POST /__simulator/reset":
      targets.stats.reset();
      return json(200, { reset: true });
    case "POST /__simulator/jobs":
      return json(200, targets.createJob(parseTestJobOptions(parseJsonBody(request))));
    case "POST /__simulator/faults":
      targets.faults.set(parseFaultOptions(parseJsonBody(request)));
      return json(200, targets.faults.describe());
    default:
      throw new HttpError(404);
  }
}

/** Responds to a control request; errors use the RAPI error shape. */
export function answerControlRequest(request: WireRequest, targets: ControlTargets): RapiResponse {
  try {
    return route(request, targets);
  } catch (error) {
    const httpError = error instanceof HttpError ? error : new HttpError(400, error instanceof Error ? error.message : String(error));
    return { status: httpError.status, headers: [["Content-Type", "application/json"]], body: errorBody(httpError.status, httpError.detail) };
  }
}
