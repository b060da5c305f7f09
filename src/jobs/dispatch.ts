import { answerToResponse, type EdgeAnswer } from "../edge-answer";
import type { CheckedRequest, RequestContext } from "../gateway";
import { RapiError } from "../rapi/errors";
import type { JobWatch } from "./job-watch";
import { parseWaitRequest } from "./wait-request";

const JOB_PATH = "/2/jobs/{job_id}";
const WAIT_PATH = "/2/jobs/{job_id}/wait";

/** Returns the job id without leading zeros, so `/2/jobs/007` and `/2/jobs/7` share one JobWatch object. */
export function canonicalJobId(digits: string): string {
  return digits.replace(/^0+(?=[0-9])/, "");
}

async function callJobWatch(call: () => Promise<EdgeAnswer>): Promise<EdgeAnswer> {
  try {
    return await call();
  } catch (error) {
    throw new RapiError(503, undefined, { detail: `job watch object failed: ${String(error)}` });
  }
}

/**
 * Serves `GET /2/jobs/[id]` and `GET /2/jobs/[id]/wait` through the job's
 * JobWatch object; returns undefined for every other request. The /wait
 * body is checked here, so a bad one never reaches the object.
 */
export async function answerJobRequest(checked: CheckedRequest, context: RequestContext, namespace: DurableObjectNamespace<JobWatch>): Promise<Response | undefined> {
  const path = checked.route.resource.path;
  if (checked.method !== "GET" || (path !== JOB_PATH && path !== WAIT_PATH)) {
    return undefined;
  }

  const jobId = canonicalJobId(checked.route.params.job_id ?? "");
  const stub = namespace.get(namespace.idFromName(jobId));
  if (path === WAIT_PATH) {
    const request = parseWaitRequest(checked.body);
    return answerToResponse(await callJobWatch(() => stub.wait(jobId, request)), context.log);
  }
  return answerToResponse(await callJobWatch(() => stub.read(jobId)), context.log);
}
