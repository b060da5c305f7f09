// The simulated job queue: jobs go queued -> running -> success, error or
// canceled, one step (jobStepMs) at a time, writing log entries as they run.

import { setTimeout as sleep } from "node:timers/promises";

export type OpStatus = "queued" | "running" | "success" | "error" | "canceled";
export type JobStatus = "queued" | "waiting" | "canceling" | "running" | "success" | "error" | "canceled";

/** Statuses after which a job never changes again. */
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ["success", "error", "canceled"];

/** Seconds and microseconds since the epoch, as Ganeti writes timestamps. */
export type Timestamp = readonly [number, number];

/** Log entry: [serial, [sec, usec], type, message]. */
export type LogEntry = readonly [number, Timestamp, string, string];

/** What an opcode does once it starts: fail, or write log entries and then succeed. */
export type OpOutcome =
  | {
      readonly kind: "error";
      readonly errorClass: string;
      readonly args: readonly unknown[];
      /** Log entries written before the failure. */
      readonly logs?: readonly string[];
    }
  | { readonly kind: "success"; readonly logs: readonly string[]; readonly result: unknown; readonly apply?: () => void };

export interface OpDefinition {
  /** Ganeti opcode id, e.g. `OP_TAGS_SET`. */
  readonly opId: string;
  /** Opcode parameters as they appear in the job's `ops`, after the common ones. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Value shown in the summary, e.g. the instance name in `INSTANCE_STARTUP(name)`. */
  readonly summaryTarget?: string | undefined;
  /** Checks prerequisites against the cluster state when the opcode starts. */
  readonly start: () => OpOutcome;
}

interface OpState {
  readonly definition: OpDefinition;
  readonly input: Record<string, unknown>;
  status: OpStatus;
  result: unknown;
  readonly log: LogEntry[];
  startTs: Timestamp | null;
  execTs: Timestamp | null;
  endTs: Timestamp | null;
}

export interface Job {
  readonly id: number;
  readonly ops: readonly OpState[];
  readonly receivedTs: Timestamp;
  startTs: Timestamp | null;
  endTs: Timestamp | null;
  readonly stepMs: number;
  readonly listeners: Set<() => void>;
}

export interface SubmitOptions {
  /** Reason trail as [source, reason] pairs, e.g. `["gnt:library:rlib2:tags", ""]`. */
  readonly reasonTrail: readonly (readonly [string, string])[];
  /** Overrides the queue's step duration for this job. */
  readonly stepMs?: number | undefined;
}

export function timestampNow(): Timestamp {
  const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
  return [Math.floor(micros / 1_000_000), micros % 1_000_000];
}

/** Computes a job's status from its opcodes' statuses, as Ganeti's CalcStatus does. */
export function jobStatus(job: Job): JobStatus {
  let status: JobStatus = "queued";
  let allSuccess = true;
  for (const op of job.ops) {
    if (op.status === "success") {
      continue;
    }
    allSuccess = false;
    if (op.status === "running") {
      status = "running";
    } else if (op.status !== "queued") {
      return op.status;
    }
  }
  return allSuccess ? "success" : status;
}

export function isFinal(job: Job): boolean {
  return FINAL_JOB_STATUSES.includes(jobStatus(job));
}

export class JobQueue {
  readonly #jobs = new Map<number, Job>();
  readonly #abort = new AbortController();
  readonly #defaultStepMs: number;
  #lastId = 0;

  constructor(defaultStepMs: number) {
    this.#defaultStepMs = defaultStepMs;
  }

  /** Queues a job and starts running it; returns the job id. */
  submit(definitions: readonly OpDefinition[], options: SubmitOptions): number {
    this.#lastId += 1;
    const id = this.#lastId;
    const received = timestampNow();
    const nanos = Date.now() * 1_000_000;

    const ops = definitions.map((definition, index): OpState => ({
      definition,
      input: serializeOp(definition, options.reasonTrail, nanos, `job=${id};index=${index}`),
      status: "queued",
      result: null,
      log: [],
      startTs: null,
      execTs: null,
      endTs: null,
    }));
    const job: Job = {
      id,
      ops,
      receivedTs: received,
      startTs: null,
      endTs: null,
      stepMs: options.stepMs ?? this.#defaultStepMs,
      listeners: new Set(),
    };
    this.#jobs.set(id, job);

    this.#run(job).catch((error: unknown) => {
      if (!this.#abort.signal.aborted) {
        console.error(`rapi simulator: job ${id} stopped unexpectedly:`, error);
      }
    });
    return id;
  }

  get(id: number): Job | undefined {
    return this.#jobs.get(id);
  }

  /** Returns all job ids in ascending order. */
  ids(): number[] {
    return [...this.#jobs.keys()].sort((left, right) => left - right);
  }

  highestId(): number {
    return this.#lastId;
  }

  /**
   * Cancels a job and returns the daemon's [success, message] response: a
   * queued job is canceled, a running one only informed, a finished one
   * reported dead. Returns undefined for an unknown job.
   */
  cancel(id: number): [boolean, string] | undefined {
    const job = this.#jobs.get(id);
    if (job === undefined) {
      return undefined;
    }

    const status = jobStatus(job);
    if (status === "queued" || status === "waiting") {
      const now = timestampNow();
      for (const op of job.ops) {
        op.status = "canceled";
        op.result = "Job canceled by request";
        op.endTs = now;
      }
      job.endTs = now;
      notify(job);
      return [true, "Job successfully cancelled"];
    }
    if (FINAL_JOB_STATUSES.includes(status)) {
      return [true, `Job ${id} has been already dead`];
    }
    return [false, "Job no longer waiting, can't cancel (informed it anyway)"];
  }

  /** Registers a callback run after every change of the job; returns the unsubscribe function. */
  subscribe(job: Job, listener: () => void): () => void {
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Stops every running job; their state stays as it was. */
  close(): void {
    this.#abort.abort();
  }

  async #step(job: Job): Promise<void> {
    await sleep(job.stepMs, undefined, { signal: this.#abort.signal });
  }

  async #run(job: Job): Promise<void> {
    await this.#step(job);
    if (isFinal(job)) {
      return;
    }
    job.startTs = timestampNow();

    let serial = 0;
    let failed = false;
    for (const op of job.ops) {
      if (failed) {
        op.status = "error";
        op.result = ["OpExecError", ["Preceding opcode failed"]];
        op.endTs = timestampNow();
        continue;
      }

      op.status = "running";
      op.startTs = timestampNow();
      op.execTs = op.startTs;
      notify(job);
      const outcome = op.definition.start();

      for (const message of outcome.logs ?? []) {
        await this.#step(job);
        serial += 1;
        op.log.push([serial, timestampNow(), "message", message]);
        notify(job);
      }

      await this.#step(job);
      if (outcome.kind === "error") {
        op.status = "error";
        op.result = [outcome.errorClass, outcome.args];
        failed = true;
      } else {
        outcome.apply?.();
        op.status = "success";
        op.result = outcome.result;
      }
      op.endTs = timestampNow();
    }

    job.endTs = timestampNow();
    notify(job);
  }
}

function notify(job: Job): void {
  for (const listener of [...job.listeners]) {
    listener();
  }
}

/** Builds an opcode's dict as the job shows it: common parameters, OP_ID, then the opcode's own. */
function serializeOp(
  definition: OpDefinition,
  reasonTrail: SubmitOptions["reasonTrail"],
  nanos: number,
  reasonDetail: string,
): Record<string, unknown> {
  const { dry_run: dryRun = false, ...params } = definition.params;
  const opName = definition.opId.replace(/^OP_/, "").toLowerCase();
  return {
    dry_run: dryRun,
    debug_level: 0,
    priority: 0,
    depends: null,
    comment: null,
    reason: [
      ...reasonTrail.map(([source, reason]) => [source, reason, nanos]),
      [`gnt:opcode:${opName}`, reasonDetail, nanos + 5_000_000],
    ],
    OP_ID: definition.opId,
    // Ganeti leaves unset (None) opcode parameters out of the job.
    ...Object.fromEntries(Object.entries(params).filter(([, value]) => value !== null && value !== undefined)),
  };
}

/** Formats a job's summary entry for one opcode, e.g. `INSTANCE_STARTUP(inst1)`. */
export function opSummary(definition: OpDefinition): string {
  const base = definition.opId.replace(/^OP_/, "");
  return definition.summaryTarget === undefined ? base : `${base}(${definition.summaryTarget})`;
}
