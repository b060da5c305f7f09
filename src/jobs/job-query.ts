/**
 * Job fields that `GET /2/jobs/[id]` does not return, read with
 * `PUT /2/query/job` (Ganeti's query2 resource). The response body is
 * `{"fields": [definitions], "data": [[[status, value], ...], ...]}`, one
 * row per matching job, one `[status, value]` pair per requested field.
 */

/** The fields of `GET /2/jobs/[id]` (rlib2's J_FIELDS). */
const JOB_RESOURCE_FIELDS: ReadonlySet<string> = new Set([
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
]);

// Query result status for a value that was read normally (RS_NORMAL); any
// other status (unknown field, no data, unavailable, offline) carries no value.
const RS_NORMAL = 0;

export const JOB_QUERY_TARGET = "/2/query/job";

/** Returns the distinct requested fields that only the job query has, in first-seen order. */
export function fieldsOutsideJobResource(fields: readonly string[]): string[] {
  return [...new Set(fields.filter((field) => !JOB_RESOURCE_FIELDS.has(field)))];
}

/**
 * Builds the query body for one job. The id is written as the digits the
 * client sent, so an id past 2^53 keeps its value.
 */
export function jobQueryBody(jobId: string, fields: readonly string[]): string {
  if (!/^[0-9]+$/.test(jobId)) {
    throw new RangeError(`job id must be digits, got ${JSON.stringify(jobId)}`);
  }
  return `{"fields": ${JSON.stringify(fields)}, "qfilter": ["==", "id", ${jobId}]}`;
}

/**
 * Reads the values of `fields` from a job query response. A job the query did
 * not find gives null for every field, as does a field the daemon does not
 * know. Returns undefined when the response is not a query result.
 */
export function parseJobQueryAnswer(answer: unknown, fields: readonly string[]): Map<string, unknown> | undefined {
  if (typeof answer !== "object" || answer === null || !Array.isArray((answer as { data?: unknown }).data)) {
    return undefined;
  }
  const rows = (answer as { data: unknown[] }).data;
  const row = rows[0];
  if (row !== undefined && (!Array.isArray(row) || row.length !== fields.length)) {
    return undefined;
  }

  const values = new Map<string, unknown>();
  fields.forEach((field, index) => {
    const cell: unknown = row?.[index];
    const normal = Array.isArray(cell) && cell[0] === RS_NORMAL;
    values.set(field, normal ? (cell[1] ?? null) : null);
  });
  return values;
}
