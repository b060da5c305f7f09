// Masking of the values that legitimately differ between two passes of the
// fidelity corpus (job ids, timestamps, serial numbers, generated uuids and
// MAC addresses, the pass's own name token), and a structural diff of the
// masked responses.
//
// Uuids and MAC addresses are not blanked but numbered in order of first
// appearance within a pass ("<uuid#3>"). Both passes see the same sequence of
// responses, so the numbers line up, and a uuid that one response returns and
// a later one mentions still has to name the same object. A job id that a
// corpus entry captured is masked with the capture's name ("<job:clusterTags>").
// Other job ids are numbered within one response only (see startResponse), so
// that a job that only one pass submits shifts no number in later responses.

/** Numbering of the generated values seen so far in one pass. */
export interface MaskState {
  /** Capture name of each job id that a corpus entry captured. */
  jobNames: Map<string, string>;
  /** Numbers of the other job ids in the current response. */
  jobs: Map<string, number>;
  uuids: Map<string, number>;
  macs: Map<string, number>;
}

export type MaskedBody =
  | { kind: "empty" }
  | { kind: "json"; value: unknown }
  | { kind: "text"; text: string };

export interface MaskOptions {
  /** The pass's own name token; every occurrence becomes "{{run}}". */
  runToken: string;
  /** Whether a response body that is a bare integer is a job id. */
  integerIsJob: boolean;
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const MAC = /\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b/gi;
// "/2/jobs/7" in URIs, "job=7;index=0" in reason trails, "Job 7 not found in
// queue" and "Dequeued job 7" in cancel responses.
const JOB_REFERENCE = /(\/2\/jobs\/|\bjob=|\b[Jj]ob )(\d+)/g;

// Free memory and disk change on their own between two calls.
const VOLATILE_KEYS = new Set(["mfree", "mnode", "dfree", "spfree"]);
const TIME_KEYS = new Set(["ctime", "mtime"]);
// A reason trail entry's third element is a time in nanoseconds.
const MIN_NANOSECOND_TIMESTAMP = 1e15;

export function createMaskState(): MaskState {
  return { jobNames: new Map(), jobs: new Map(), uuids: new Map(), macs: new Map() };
}

export function copyMaskState(state: MaskState): MaskState {
  return {
    jobNames: new Map(state.jobNames),
    jobs: new Map(state.jobs),
    uuids: new Map(state.uuids),
    macs: new Map(state.macs),
  };
}

/** Restarts the numbering of uncaptured job ids; called before each response. */
export function startResponse(state: MaskState): void {
  state.jobs.clear();
}

/** Masks `jobId` as "<job:NAME>" from now on. */
export function nameJob(state: MaskState, jobId: string, name: string): void {
  state.jobNames.set(jobId, name);
}

function ordinal(table: Map<string, number>, value: string): number {
  let number = table.get(value);
  if (number === undefined) {
    number = table.size + 1;
    table.set(value, number);
  }
  return number;
}

function maskJobId(state: MaskState, id: number | string): string {
  const name = state.jobNames.get(String(id));
  return name === undefined ? `<job#${ordinal(state.jobs, String(id))}>` : `<job:${name}>`;
}

export function maskString(text: string, state: MaskState): string {
  return text
    .replace(UUID, (uuid) => `<uuid#${ordinal(state.uuids, uuid.toLowerCase())}>`)
    .replace(MAC, (mac) => `<mac#${ordinal(state.macs, mac.toLowerCase())}>`)
    .replace(JOB_REFERENCE, (_match, prefix: string, id: string) => `${prefix}${maskJobId(state, id)}`);
}

function isReasonEntry(value: unknown[]): boolean {
  return (
    value.length === 3 &&
    typeof value[0] === "string" &&
    typeof value[1] === "string" &&
    typeof value[2] === "number" &&
    value[2] > MIN_NANOSECOND_TIMESTAMP
  );
}

// An oplog or /wait log entry: [serial, [seconds, microseconds], type, message].
function isLogEntry(value: unknown[]): boolean {
  const time = value[1];
  return (
    value.length === 4 &&
    typeof value[0] === "number" &&
    Array.isArray(time) &&
    time.length === 2 &&
    typeof time[0] === "number" &&
    typeof value[2] === "string"
  );
}

function isJobObject(object: Record<string, unknown>): boolean {
  return "ops" in object || "status" in object || (typeof object["uri"] === "string" && object["uri"].startsWith("/2/jobs/"));
}

function maskValue(value: unknown, state: MaskState): unknown {
  if (typeof value === "string") {
    return maskString(value, state);
  }
  if (Array.isArray(value)) {
    if (isReasonEntry(value)) {
      return [maskString(value[0] as string, state), maskString(value[1] as string, state), "<ts>"];
    }
    if (isLogEntry(value)) {
      return [value[0], "<ts>", value[2], maskValue(value[3], state)];
    }
    return value.map((item) => maskValue(item, state));
  }
  if (value !== null && typeof value === "object") {
    return maskObject(value as Record<string, unknown>, state);
  }
  return value;
}

function maskObject(object: Record<string, unknown>, state: MaskState): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  const jobObject = isJobObject(object);
  for (const [key, value] of Object.entries(object)) {
    masked[maskString(key, state)] = maskField(key, value, jobObject, state);
  }
  return masked;
}

function maskField(key: string, value: unknown, inJobObject: boolean, state: MaskState): unknown {
  if (value === null) {
    return null;
  }

  if (key.endsWith("_ts")) {
    return "<ts>";
  }

  if (TIME_KEYS.has(key) && typeof value === "number") {
    return "<time>";
  }

  if (key === "serial_no") {
    return "<serial>";
  }

  // A filter's watermark is the highest job id when it was added, including
  // jobs the daemon ran for itself.
  if (key === "watermark") {
    return "<watermark>";
  }

  if (VOLATILE_KEYS.has(key) && typeof value === "number") {
    return "<volatile>";
  }

  if (key === "id" && inJobObject && typeof value === "number") {
    return maskJobId(state, value);
  }

  // Node evacuation and migration return the jobs they submitted as
  // [[success, job id or error], ...].
  if (key === "jobs" && Array.isArray(value)) {
    return value.map((item) =>
      Array.isArray(item) && item.length === 2 && item[0] === true && typeof item[1] === "number"
        ? [true, maskJobId(state, item[1])]
        : maskValue(item, state),
    );
  }
  return maskValue(value, state);
}

/** Masks a response body. Both passes must call it in the same order. */
export function maskBody(text: string, state: MaskState, options: MaskOptions): MaskedBody {
  const unified = options.runToken === "" ? text : text.replaceAll(options.runToken, "{{run}}");
  if (unified.trim() === "") {
    return { kind: "empty" };
  }
  let value: unknown;
  try {
    value = JSON.parse(unified);
  } catch {
    return { kind: "text", text: maskString(unified, state) };
  }
  if (options.integerIsJob && typeof value === "number" && Number.isInteger(value)) {
    return { kind: "json", value: maskJobId(state, value) };
  }
  return { kind: "json", value: maskValue(value, state) };
}

/** Reduces a JSON value to its structure: value types and object keys. */
export function jsonShape(value: unknown): unknown {
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? [] : [jsonShape(value[0])];
  }
  if (typeof value === "object") {
    const shape: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      shape[key] = jsonShape((value as Record<string, unknown>)[key]);
    }
    return shape;
  }
  return typeof value;
}

function preview(value: unknown, maxLength = 80): string {
  const text = value === undefined ? "(absent)" : JSON.stringify(value);
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}

/**
 * Lists where two JSON values differ, as "path: direct ≠ gateway" lines, at
 * most `limit` of them.
 */
export function diffJson(direct: unknown, gateway: unknown, limit = 5): string[] {
  const differences: string[] = [];
  walkDiff(direct, gateway, "$", differences, limit);
  return differences;
}

function walkDiff(a: unknown, b: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) {
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(`${path}: ${a.length} items ≠ ${b.length} items`);
    }
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      walkDiff(a[i], b[i], `${path}[${i}]`, out, limit);
    }
    return;
  }
  const aIsObject = a !== null && typeof a === "object" && !Array.isArray(a);
  const bIsObject = b !== null && typeof b === "object" && !Array.isArray(b);
  if (aIsObject && bIsObject) {
    const aObject = a as Record<string, unknown>;
    const bObject = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(aObject), ...Object.keys(bObject)]);
    for (const key of keys) {
      walkDiff(aObject[key], bObject[key], `${path}.${key}`, out, limit);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${path}: ${preview(a)} ≠ ${preview(b)}`);
  }
}

/** Compares two masked bodies and lists the differences. */
export function diffBodies(direct: MaskedBody, gateway: MaskedBody, shapeOnly: boolean): string[] {
  if (direct.kind !== gateway.kind) {
    return [`body: ${direct.kind} ≠ ${gateway.kind}`];
  }
  if (direct.kind === "json" && gateway.kind === "json") {
    return shapeOnly
      ? diffJson(jsonShape(direct.value), jsonShape(gateway.value))
      : diffJson(direct.value, gateway.value);
  }
  if (direct.kind === "text" && gateway.kind === "text" && direct.text !== gateway.text) {
    return [`body: ${preview(direct.text)} ≠ ${preview(gateway.text)}`];
  }
  return [];
}
