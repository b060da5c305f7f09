// /2/jobs/[job_id]/wait as ganeti-luxid 3.0.2 serves it (WaitForJobChange in
// Ganeti.Query.Server). The response is (job_info, log_entries), sent as soon
// as it differs from (previous_job_info, []), at once for a finalized job, and
// unchanged when the wait limit passes.

import { isJobField, jobField } from "./job-fields.ts";
import { type Job, type JobQueue, type LogEntry, isFinal } from "./jobs.ts";
import { jsonValuesEqual } from "./py-json.ts";

export interface JobChange {
  readonly job_info: unknown[];
  readonly log_entries: LogEntry[];
}

export interface WaitRequest {
  readonly fields: readonly unknown[];
  readonly previousJobInfo: unknown;
  readonly previousLogSerial: unknown;
  readonly timeoutMs: number;
  /** Ends the wait early, e.g. when the simulator shuts down. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Computes the current (job_info, log_entries). An unknown field makes the
 * whole query fail, and luxid then returns nulls and no log entries. Log
 * entries are those with a serial above a numeric previous_log_serial, all of
 * them when it is null, and none for any other value (such as `true`).
 */
export function computeJobChange(job: Job, request: WaitRequest): JobChange {
  const names = request.fields.map((field) => (typeof field === "string" ? field : ""));
  if (!names.every(isJobField)) {
    return { job_info: names.map(() => null), log_entries: [] };
  }

  const jobInfo = names.map((name) => jobField(job, name));
  const allEntries = job.ops.flatMap((op) => op.log);
  const previous = request.previousLogSerial;
  let entries: LogEntry[] = [];
  if (previous === null) {
    entries = allEntries;
  } else if (typeof previous === "number") {
    entries = allEntries.filter((entry) => previous < entry[0]);
  }
  return { job_info: jobInfo, log_entries: entries };
}

function differsFromPrevious(change: JobChange, previousJobInfo: unknown): boolean {
  return change.log_entries.length > 0 || !jsonValuesEqual(change.job_info, previousJobInfo);
}

/** Waits for a change of the job as the daemon does; resolves with the response body to send. */
export function waitForJobChange(queue: JobQueue, job: Job, request: WaitRequest): Promise<JobChange> {
  const current = computeJobChange(job, request);
  if (isFinal(job) || differsFromPrevious(current, request.previousJobInfo)) {
    return Promise.resolve(current);
  }

  return new Promise((resolve) => {
    const finish = (): void => {
      unsubscribe();
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", finish);
      resolve(computeJobChange(job, request));
    };
    const unsubscribe = queue.subscribe(job, () => {
      if (differsFromPrevious(computeJobChange(job, request), request.previousJobInfo)) {
        finish();
      }
    });
    const timer = setTimeout(finish, request.timeoutMs);
    request.signal?.addEventListener("abort", finish, { once: true });
  });
}
