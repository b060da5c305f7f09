/**
 * RAPI's wait-for-job-change rules over one snapshot of a job, with no I/O:
 * the JobWatch object decides when to take snapshots, this module decides
 * what a waiting client gets from one.
 */
import { pythonEquals } from "./python-equality";
import type { WaitRequest } from "./wait-request";

/** A job's fields by name: the object `GET /2/jobs/[id]` returns, plus any read through the job query. */
export type JobFields = Readonly<Record<string, unknown>>;

/** One job log entry: `[serial, [seconds, microseconds], type, message]`. */
export type LogEntry = readonly unknown[];

/** The response to a /wait that saw a change. */
export interface WaitAnswer {
  readonly job_info: readonly unknown[];
  readonly log_entries: readonly LogEntry[];
}

// A final job never changes again (Ganeti's JOBS_FINALIZED).
const FINAL_STATUSES: ReadonlySet<string> = new Set(["success", "error", "canceled"]);

// The statuses in which a job may still change, so a client waits for it.
// ganeti-luxid 3.0 responds at once only for final jobs and keeps a client
// waiting on a canceling one, which would otherwise poll in a tight loop
// until the cancel completes. The older Python job queue responded at once.
const WAITING_STATUSES: ReadonlySet<string> = new Set(["queued", "waiting", "running", "canceling"]);

/** Returns the job's status, or null when the job has none (what ganeti-rapi 3.0 returns for an unknown id). */
export function jobStatus(job: JobFields): string | null {
  return typeof job.status === "string" ? job.status : null;
}

export function isFinalStatus(status: string | null): boolean {
  return status !== null && FINAL_STATUSES.has(status);
}

/** Returns the values of `fields` in order; a field the job lacks is null. */
export function selectJobInfo(job: JobFields, fields: readonly string[]): unknown[] {
  return fields.map((field) => (Object.hasOwn(job, field) ? job[field] : undefined) ?? null);
}

/**
 * Flattens `oplog`, which has one list of entries per opcode, into the
 * entries with a serial above `previousSerial`, opcode by opcode as Ganeti's
 * GetLogEntries does. A null serial keeps every entry. Entries without a
 * numeric serial cannot be compared, so they are left out.
 */
export function logEntriesAfter(oplog: unknown, previousSerial: number | null): LogEntry[] {
  if (!Array.isArray(oplog)) {
    return [];
  }
  const entries: LogEntry[] = [];
  for (const opcodeLog of oplog) {
    if (!Array.isArray(opcodeLog)) {
      continue;
    }
    for (const entry of opcodeLog) {
      if (Array.isArray(entry) && typeof entry[0] === "number" && (previousSerial === null || entry[0] > previousSerial)) {
        entries.push(entry);
      }
    }
  }
  return entries;
}

/**
 * Applies ganeti-rapi 3.0's wait rule: the client gets a response when the
 * job is no longer queued, waiting, running or canceling, when the requested fields
 * differ from `previous_job_info`, or when there are log entries past
 * `previous_log_serial`. Returns undefined while the client should keep
 * waiting.
 */
export function evaluateWait(job: JobFields, request: WaitRequest): WaitAnswer | undefined {
  const status = jobStatus(job);
  const answer = describeJob(job, request);

  const stillWaiting = status !== null && WAITING_STATUSES.has(status);
  const fieldsChanged = !pythonEquals(answer.job_info, request.previousJobInfo);
  const newLogEntries = answer.log_entries.length > 0 && answer.log_entries[0]?.[0] !== request.previousLogSerial;

  return !stillWaiting || fieldsChanged || newLogEntries ? answer : undefined;
}

/** Returns the requested fields and the log entries past the client's serial, changed or not. */
export function describeJob(job: JobFields, request: WaitRequest): WaitAnswer {
  return { job_info: selectJobInfo(job, request.fields), log_entries: logEntriesAfter(job.oplog, request.previousLogSerial) };
}
