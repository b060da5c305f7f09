import { isFinalStatus, jobStatus, type JobFields } from "./wait";

/** The job state that one `GET /2/jobs/[id]` returned. */
export type JobReading =
  | { readonly kind: "found"; readonly job: JobFields; readonly final: boolean }
  | { readonly kind: "unknown" }
  | { readonly kind: "unusable"; readonly detail: string };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Reads the daemon's response to `GET /2/jobs/[id]`. An unknown job is a 404,
 * or, on ganeti-rapi 3.0, a 200 whose fields are all null (no status).
 * Anything but a JSON object on a 200 cannot be used to answer a /wait.
 */
export function readJobAnswer(httpStatus: number, body: ArrayBuffer): JobReading {
  if (httpStatus === 404) {
    return { kind: "unknown" };
  }
  if (httpStatus !== 200) {
    return { kind: "unusable", detail: `upstream returned status ${httpStatus} to the job poll` };
  }

  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch {
    return { kind: "unusable", detail: "upstream returned a body that is not JSON to the job poll" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "unusable", detail: "upstream returned JSON that is not an object to the job poll" };
  }

  const job = value as JobFields;
  const status = jobStatus(job);
  if (status === null) {
    return { kind: "unknown" };
  }
  return { kind: "found", job, final: isFinalStatus(status) };
}
