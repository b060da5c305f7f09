// Job fields as Ganeti's job query returns them (GET /2/jobs/[id], /wait,
// /2/query/job).

import { type Job, jobStatus, opSummary } from "./jobs.ts";

type JobFieldGetter = (job: Job) => unknown;

const JOB_FIELD_GETTERS: Readonly<Record<string, JobFieldGetter>> = {
  id: (job) => job.id,
  ops: (job) => job.ops.map((op) => op.input),
  status: (job) => jobStatus(job),
  summary: (job) => job.ops.map((op) => opSummary(op.definition)),
  opstatus: (job) => job.ops.map((op) => op.status),
  received_ts: (job) => job.receivedTs,
  start_ts: (job) => job.startTs,
  end_ts: (job) => job.endTs,
  oplog: (job) => job.ops.map((op) => [...op.log]),
  opresult: (job) => job.ops.map((op) => op.result),
  opstart: (job) => job.ops.map((op) => op.startTs),
  opexec: (job) => job.ops.map((op) => op.execTs),
  opend: (job) => job.ops.map((op) => op.endTs),
  oppriority: (job) => job.ops.map(() => 0),
  priority: () => 0,
  archived: () => false,
};

/** Fields of GET /2/jobs/[job_id], in the daemon's order (rlib2 J_FIELDS). */
export const JOB_FIELDS = [
  "id",
  "ops",
  "status",
  "summary",
  "opstatus",
  "received_ts",
  "start_ts",
  "end_ts",
  "oplog",
  "opresult",
] as const;

/** Fields of GET /2/jobs?bulk=1 (rlib2 J_FIELDS_BULK). */
export const JOB_FIELDS_BULK = JOB_FIELDS.slice(0, 8);

export function isJobField(name: string): boolean {
  return Object.hasOwn(JOB_FIELD_GETTERS, name);
}

/** Returns a job field's value; undefined when the field is unknown. */
export function jobField(job: Job, name: string): unknown {
  const getter = Object.hasOwn(JOB_FIELD_GETTERS, name) ? JOB_FIELD_GETTERS[name] : undefined;
  return getter?.(job);
}

/** Maps field names to values, or every field to null for an unknown job, as 3.0.2 does. */
export function jobRecord(job: Job | undefined, fields: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const name of fields) {
    record[name] = job === undefined ? null : (jobField(job, name) ?? null);
  }
  return record;
}
