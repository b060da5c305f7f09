/**
 * Snapshots of a job, one per poll of the daemon, and what a snapshot means
 * for a client waiting on `/wait`.
 */
import type { EdgeAnswer } from "../edge-answer";
import { dumpPythonJson } from "../rapi/python-json";
import type { UpstreamResponse } from "../upstream/forward";
import type { JobReading } from "./job-answer";
import { evaluateWait, type JobFields, type WaitAnswer } from "./wait";
import type { WaitRequest } from "./wait-request";

/** The job as one poll of the daemon saw it. */
export interface JobSnapshot {
  /** When the poll started: the job was in this state at that time or later. */
  readonly polledAt: number;
  /** The daemon's response to `GET /2/jobs/[id]`, passed on untouched. */
  readonly response: UpstreamResponse;
  readonly reading: JobReading;
  /** Values of the fields read through the job query with this poll. */
  readonly extra: ReadonlyMap<string, unknown>;
}

// ganeti-rapi before 3.0 answered a wait that saw no change with null; 3.0
// repeats the unchanged state instead. Clients accept both.
export const NOT_CHANGED: EdgeAnswer = { kind: "json", text: "null" };

export function jsonAnswer(answer: WaitAnswer): EdgeAnswer {
  return { kind: "json", text: dumpPythonJson(answer) };
}

/** Returns the job's fields with the values read through the job query added. */
export function withExtra(job: JobFields, extra: ReadonlyMap<string, unknown>): JobFields {
  return extra.size === 0 ? job : { ...job, ...Object.fromEntries(extra) };
}

/** True when the snapshot has every field of `extraFields`, or no job to read them from. */
export function covers(snapshot: JobSnapshot, extraFields: readonly string[]): boolean {
  return snapshot.reading.kind !== "found" || extraFields.every((field) => snapshot.extra.has(field));
}

/** Builds one waiting client's response from a snapshot; undefined while the client should keep waiting. */
export function answerFromSnapshot(snapshot: JobSnapshot, request: WaitRequest, jobId: string): EdgeAnswer | undefined {
  const reading = snapshot.reading;
  switch (reading.kind) {
    case "unknown":
      return { kind: "error", status: 404, message: "Not Found", detail: `job ${jobId} is unknown upstream` };
    case "unusable":
      return { kind: "error", status: 502, message: "Bad Gateway", detail: reading.detail };
    case "found": {
      const answer = evaluateWait(withExtra(reading.job, snapshot.extra), request);
      return answer === undefined ? undefined : jsonAnswer(answer);
    }
  }
}
