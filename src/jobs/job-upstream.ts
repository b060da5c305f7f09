/**
 * The two daemon requests a JobWatch object makes, both with the upstream
 * read account: `GET /2/jobs/[id]` and, for fields that resource lacks, the
 * job query.
 */
import type { Config } from "../config";
import { RapiError } from "../rapi/errors";
import { sendUpstream, type UpstreamResponse } from "../upstream/forward";
import { JOB_QUERY_TARGET, jobQueryBody, parseJobQueryAnswer } from "./job-query";

/** Sends `GET /2/jobs/[id]`; a transport failure throws the gateway's 502 or 504. */
export function fetchJob(config: Config, jobId: string): Promise<UpstreamResponse> {
  return sendUpstream(config, { method: "GET", target: `/2/jobs/${jobId}`, access: "read", body: undefined, requestId: crypto.randomUUID(), userAgent: null });
}

/** Reads `fields` of one job with `PUT /2/query/job`; anything but a query result is a 502. */
export async function queryJobFields(config: Config, jobId: string, fields: readonly string[]): Promise<Map<string, unknown>> {
  const response = await sendUpstream(config, { method: "PUT", target: JOB_QUERY_TARGET, access: "read", body: jobQueryBody(jobId, fields), requestId: crypto.randomUUID(), userAgent: null });
  if (response.status !== 200) {
    throw new RapiError(502, undefined, { detail: `upstream returned status ${response.status} to the job query` });
  }

  let answer: unknown;
  try {
    answer = JSON.parse(new TextDecoder().decode(response.body));
  } catch {
    answer = undefined;
  }
  const values = parseJobQueryAnswer(answer, fields);
  if (values === undefined) {
    throw new RapiError(502, undefined, { detail: "upstream returned something other than a query result to the job query" });
  }
  return values;
}
