import type { NormalisedBody } from "../rapi/body";
import { RapiError } from "../rapi/errors";
import { pythonTypeName } from "../rapi/python-json";

/** The body of `GET /2/jobs/[id]/wait`, checked as ganeti-rapi checks it. */
export interface WaitRequest {
  /** Job field names, in the order the response lists their values. */
  readonly fields: readonly string[];
  /** The `job_info` of the previous response; null makes any current state a change. */
  readonly previousJobInfo: readonly unknown[] | null;
  /** The highest log serial the client has seen; null requests every log entry. */
  readonly previousLogSerial: number | null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a /wait body with the checks and 400 messages of rlib2's
 * R_2_jobs_id_wait (Ganeti 3.0). `fields` is required and must be a list.
 * `previous_job_info` is null or a list. `previous_log_serial` is null or an
 * integer by Python's isinstance(x, int), which also accepts true and false.
 *
 * The daemon answers 500 for a body it cannot index (empty, null or not an
 * object); the edge answers 400 instead: an empty or null body lacks
 * `fields`, and any other non-object gets CheckType's message.
 */
export function parseWaitRequest(body: NormalisedBody): WaitRequest {
  const value = body.kind === "json" ? body.value : null;
  if (value === null) {
    throw new RapiError(400, "Required parameter 'fields' is missing");
  }
  if (!isPlainObject(value)) {
    throw new RapiError(400, `Body contents: Type is '${pythonTypeName(value)}', but 'dict' is expected`);
  }

  if (!Object.hasOwn(value, "fields")) {
    throw new RapiError(400, "Required parameter 'fields' is missing");
  }
  const fields = value.fields;
  const previousJobInfo = Object.hasOwn(value, "previous_job_info") ? value.previous_job_info : null;
  const previousLogSerial = Object.hasOwn(value, "previous_log_serial") ? value.previous_log_serial : null;

  if (!Array.isArray(fields)) {
    throw new RapiError(400, "The 'fields' parameter should be a list");
  }
  // ganeti-luxid decodes the field names as strings, so anything else fails
  // the daemon's call instead of getting a 400.
  if (!fields.every((field): field is string => typeof field === "string")) {
    throw new RapiError(400, "The 'fields' parameter should be a list of field names", { detail: "a field name is not a string" });
  }
  if (previousJobInfo !== null && !Array.isArray(previousJobInfo)) {
    throw new RapiError(400, "The 'previous_job_info' parameter should be a list");
  }
  // NOTE: `3.0` passes here, but Python's json module reads it as a float,
  // which the daemon rejects; JSON.parse does not keep the difference.
  const serialIsInteger = typeof previousLogSerial === "boolean" || (typeof previousLogSerial === "number" && Number.isInteger(previousLogSerial));
  if (previousLogSerial !== null && !serialIsInteger) {
    throw new RapiError(400, "The 'previous_log_serial' parameter should be a number");
  }

  return {
    fields,
    previousJobInfo: previousJobInfo as readonly unknown[] | null,
    // Python compares True and False as 1 and 0, so the number is equivalent.
    previousLogSerial: previousLogSerial === null ? null : Number(previousLogSerial),
  };
}
