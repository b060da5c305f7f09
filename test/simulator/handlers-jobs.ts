// Job resources: /2/jobs, /2/jobs/[job_id] and /2/jobs/[job_id]/wait
// (rlib2 R_2_jobs, R_2_jobs_id, R_2_jobs_id_wait).

import { HttpError, pyExceptionText } from "./errors.ts";
import { type HandlerContext, type ResourceHandlers, bodyParameter, param } from "./handler-context.ts";
import { JOB_FIELDS, JOB_FIELDS_BULK, jobRecord } from "./job-fields.ts";
import { isPyInt } from "./py-json.ts";
import { flagArg } from "./query-args.ts";
import { waitForJobChange } from "./wait.ts";

// luxid's error for a job id without a job file (Ganeti.JQueue noSuchJob).
const NO_SUCH_JOB = "Can't load job file";

function jobId(context: HandlerContext): number {
  return Number.parseInt(param(context, "job_id"), 10);
}

function listJobs(context: HandlerContext): unknown {
  const ids = context.jobs.ids();
  if (flagArg(context.query, "bulk")) {
    return ids.map((id) => jobRecord(context.jobs.get(id), JOB_FIELDS_BULK));
  }
  return ids.map((id) => ({ id, uri: `/2/jobs/${id}` }));
}

/** GET /2/jobs/[job_id]: for an unknown id 3.0.2 returns every field null, not 404. */
function getJob(context: HandlerContext): unknown {
  return jobRecord(context.jobs.get(jobId(context)), JOB_FIELDS);
}

function cancelJob(context: HandlerContext): unknown {
  const answer = context.jobs.cancel(jobId(context));
  if (answer === undefined) {
    throw new HttpError(500, pyExceptionText([NO_SUCH_JOB]));
  }
  return answer;
}

/** GET /2/jobs/[job_id]/wait with the body checks of rlib2 R_2_jobs_id_wait. */
async function waitForJob(context: HandlerContext): Promise<unknown> {
  const fields = bodyParameter(context.body, "fields");
  const previousJobInfo = bodyParameter(context.body, "previous_job_info", null);
  const previousLogSerial = bodyParameter(context.body, "previous_log_serial", null);

  if (!Array.isArray(fields)) {
    throw new HttpError(400, "The 'fields' parameter should be a list");
  }
  if (!(previousJobInfo === null || Array.isArray(previousJobInfo))) {
    throw new HttpError(400, "The 'previous_job_info' parameter should be a list");
  }
  if (!(previousLogSerial === null || isPyInt(previousLogSerial))) {
    throw new HttpError(400, "The 'previous_log_serial' parameter should be a number");
  }

  const job = context.jobs.get(jobId(context));
  if (job === undefined) {
    // luxid raises JobLost, which reaches the client as a 500.
    throw new HttpError(500, pyExceptionText([NO_SUCH_JOB]));
  }

  return waitForJobChange(context.jobs, job, {
    fields,
    previousJobInfo,
    previousLogSerial,
    timeoutMs: context.waitTimeoutMs,
    signal: context.shutdownSignal,
  });
}

export const JOB_HANDLERS: Readonly<Record<string, ResourceHandlers>> = {
  "/2/jobs": { GET: listJobs },
  "/2/jobs/[job_id]": { GET: getJob, DELETE: cancelJob },
  "/2/jobs/[job_id]/wait": { GET: waitForJob },
};
