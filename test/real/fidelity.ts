// Fidelity runner: sends every request of the corpus (fidelity-corpus.ts) to
// ganeti-rapi directly and through the gateway, and compares status,
// Content-Type, WWW-Authenticate and the masked body of each pair.
//
//   node test/real/fidelity.ts --direct http://127.0.0.1:5080 --gateway URL \
//     [--write-user admin:secret] [--read-user reader:readpw] \
//     [--nobody-user nobody:nobodypw] [--json report.json] [--verbose]
//
// The direct pass runs the whole corpus first, then the gateway pass runs it
// again; each pass creates and deletes its own objects (names carry its own
// token), so the second pass finds the cluster as the first one did. Both
// base URLs may name the same daemon: every response must then match, which
// checks the masking.
//
// Exits 0 when every difference is listed in `intendedDifferences`, 1 when
// another difference remains, 2 on invalid arguments.

import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { pathToFileURL } from "node:url";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { corpus, intendedDifferences } from "./fidelity-corpus.ts";
import type { CorpusEntry, CorpusUser, IntendedDifference } from "./fidelity-corpus.ts";
import { copyMaskState, createMaskState, diffBodies, maskBody, nameJob, startResponse } from "./fidelity-mask.ts";
import type { MaskState, MaskedBody } from "./fidelity-mask.ts";

export interface Credentials {
  user: string;
  password: string;
}

export interface FidelityOptions {
  /** Base URL of ganeti-rapi itself, e.g. http://127.0.0.1:5080. */
  direct: string;
  /** Base URL of the gateway in front of the same cluster. */
  gateway: string;
  writeUser: Credentials;
  readUser: Credentials;
  /** A user without options in the users file. */
  nobodyUser: Credentials;
  /** Accept self-signed certificates on https URLs. Default false. */
  insecure?: boolean;
  /** Timeout of one request in ms. Default 30000: /wait alone may hold 10 s. */
  requestTimeoutMs?: number;
  /** Maximum time in ms to wait for a job to become final. Default 120000. */
  jobTimeoutMs?: number;
  /** The entries to run; default: the whole corpus. */
  entries?: CorpusEntry[];
  intendedDifferences?: IntendedDifference[];
  /** Progress lines; default: none. */
  log?: (line: string) => void;
}

/** One HTTP response as the runner received it. */
export interface RecordedResponse {
  /** HTTP status, or 0 when the request failed before a response. */
  status: number;
  contentType: string | null;
  wwwAuthenticate: string | null;
  body: string;
  elapsedMs: number;
  error?: string;
}

export interface PassEntry {
  response?: RecordedResponse;
  masked?: MaskedBody;
  /** Why the entry was not sent, e.g. a value an earlier entry should have captured. */
  skipped?: string;
  /** A problem while waiting for the entry's job; reported, not compared. */
  jobProblem?: string | undefined;
}

export type Verdict = "same" | "intended" | "different" | "skipped";

export interface EntryResult {
  id: string;
  request: string;
  note: string;
  verdict: Verdict;
  differences: string[];
  /** The intended difference that excused the result, if any. */
  reason?: string;
  direct: PassEntry;
  gateway: PassEntry;
}

export interface FidelityReport {
  results: EntryResult[];
  total: number;
  same: number;
  intended: number;
  different: number;
  skipped: number;
  /** Share of the corpus whose responses matched, 0 to 1. */
  matchRate: number;
  /** True when no difference is left that `intendedDifferences` does not list. */
  ok: boolean;
  directMs: number;
  gatewayMs: number;
}

type PassLabel = "direct" | "gateway";

interface PassContext {
  label: PassLabel;
  base: URL;
  token: string;
  options: Required<Omit<FidelityOptions, "log">> & { log: (line: string) => void };
  values: Map<string, string>;
  mask: MaskState;
}

const RUN_TOKENS: Record<PassLabel, string> = { direct: "fid-direct", gateway: "fid-gateway" };
const FINAL_JOB_STATUSES = new Set(["success", "error", "canceled"]);
const JOB_POLL_INTERVAL_MS = 250;
// Methods for which Node's http client would send a chunked body when no
// Content-Length is set; ganeti-rapi does not read chunked bodies.
const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

// ------------------------------------------------------------------ HTTP

interface RawRequest {
  method: string;
  pathAndQuery: string;
  headers: Record<string, string>;
  body?: string;
}

/** Sends one request with the path exactly as given (no dot-segment or percent normalisation). */
function send(base: URL, request: RawRequest, timeoutMs: number, insecure: boolean): Promise<RecordedResponse> {
  const started = performance.now();
  const client = base.protocol === "https:" ? https : http;
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) {
    headers["Content-Length"] = String(Buffer.byteLength(request.body));
  } else if (METHODS_WITH_BODY.has(request.method)) {
    headers["Content-Length"] = "0";
  }

  return new Promise((resolve) => {
    const finish = (response: Omit<RecordedResponse, "elapsedMs">): void => {
      resolve({ ...response, elapsedMs: Math.round(performance.now() - started) });
    };
    const outgoing = client.request(
      {
        protocol: base.protocol,
        hostname: base.hostname.replace(/^\[|\]$/g, ""),
        port: base.port,
        method: request.method,
        path: request.pathAndQuery,
        headers,
        agent: false,
        timeout: timeoutMs,
        rejectUnauthorized: !insecure,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () => {
          finish({
            status: incoming.statusCode ?? 0,
            contentType: headerValue(incoming.headers["content-type"]),
            wwwAuthenticate: headerValue(incoming.headers["www-authenticate"]),
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
        incoming.on("error", (error: Error) => {
          finish({ status: 0, contentType: null, wwwAuthenticate: null, body: "", error: `reading the response failed: ${error.message}` });
        });
      },
    );
    outgoing.on("timeout", () => {
      outgoing.destroy(new Error(`timed out after ${timeoutMs} ms`));
    });
    outgoing.on("error", (error: Error) => {
      finish({ status: 0, contentType: null, wwwAuthenticate: null, body: "", error: error.message });
    });
    outgoing.end(request.body);
  });
}

/**
 * Sends a HEAD request over a bare socket and reads until the server closes
 * it. ganeti-rapi 3.0.2 responds to HEAD with a 501 that carries a JSON body,
 * which Node's HTTP parser rejects, so the response is parsed here.
 */
function sendHead(base: URL, request: RawRequest, timeoutMs: number, insecure: boolean): Promise<RecordedResponse> {
  const started = performance.now();
  const host = base.hostname.replace(/^\[|\]$/g, "");
  const port = Number(base.port || (base.protocol === "https:" ? 443 : 80));
  const headerLines = Object.entries({ Host: base.host, Connection: "close", ...request.headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");

  return new Promise((resolve) => {
    const socket =
      base.protocol === "https:"
        ? tls.connect({ host, port, servername: net.isIP(host) === 0 ? host : "", rejectUnauthorized: !insecure })
        : net.connect({ host, port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (response: Omit<RecordedResponse, "elapsedMs">): void => {
      if (!settled) {
        settled = true;
        socket.destroy();
        resolve({ ...response, elapsedMs: Math.round(performance.now() - started) });
      }
    };
    const failure = (message: string): Omit<RecordedResponse, "elapsedMs"> => ({
      status: 0,
      contentType: null,
      wwwAuthenticate: null,
      body: "",
      error: message,
    });

    socket.setTimeout(timeoutMs, () => finish(failure(`timed out after ${timeoutMs} ms`)));
    socket.on(base.protocol === "https:" ? "secureConnect" : "connect", () => {
      socket.write(`${request.method} ${request.pathAndQuery} HTTP/1.1\r\n${headerLines}\r\n`);
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (error: Error) => finish(failure(error.message)));
    socket.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const headerEnd = raw.indexOf("\r\n\r\n");
      const head = headerEnd === -1 ? raw : raw.slice(0, headerEnd);
      const [statusLine = "", ...fields] = head.split("\r\n");
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
      if (status === null) {
        finish(failure(`not an HTTP response: ${JSON.stringify(statusLine.slice(0, 80))}`));
        return;
      }
      const headers = new Map<string, string>();
      for (const field of fields) {
        const colon = field.indexOf(":");
        if (colon > 0) {
          headers.set(field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim());
        }
      }
      finish({
        status: Number(status[1]),
        contentType: headers.get("content-type") ?? null,
        wwwAuthenticate: headers.get("www-authenticate") ?? null,
        body: headerEnd === -1 ? "" : raw.slice(headerEnd + 4),
      });
    });
  });
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) {
    return null;
  }
  return Array.isArray(value) ? value.join(", ") : value;
}

function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString("base64")}`;
}

/** Sends a JSON request as the write user and parses the response; for setup, polling and cleanup. */
async function callJson(
  context: PassContext,
  method: string,
  pathAndQuery: string,
  body?: unknown,
): Promise<{ status: number; value: unknown }> {
  const headers: Record<string, string> = { Authorization: basicAuthorization(context.options.writeUser) };
  let text: string | undefined;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    text = JSON.stringify(body);
  }
  const response = await send(
    context.base,
    { method, pathAndQuery, headers, ...(text === undefined ? {} : { body: text }) },
    context.options.requestTimeoutMs,
    context.options.insecure,
  );
  if (response.status === 0) {
    throw new Error(`${method} ${context.base.origin}${pathAndQuery} failed: ${response.error ?? "no response"}`);
  }
  let value: unknown = null;
  try {
    value = JSON.parse(response.body);
  } catch {
    value = response.body;
  }
  return { status: response.status, value };
}

// ------------------------------------------------------------------ jobs

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls GET /2/jobs/[id] until the job is final. Returns a problem description, or undefined. */
async function waitForJob(context: PassContext, jobId: string): Promise<string | undefined> {
  const deadline = Date.now() + context.options.jobTimeoutMs;
  let lastStatus = "unknown";
  while (Date.now() < deadline) {
    const { status, value } = await callJson(context, "GET", `/2/jobs/${jobId}`);
    if (status === 429) {
      await sleep(1000);
      continue;
    }
    if (status !== 200) {
      return `polling job ${jobId} returned HTTP ${status}`;
    }
    const jobStatus = (value as { status?: unknown } | null)?.status;
    lastStatus = String(jobStatus);
    if (typeof jobStatus === "string" && FINAL_JOB_STATUSES.has(jobStatus)) {
      return undefined;
    }
    await sleep(JOB_POLL_INTERVAL_MS);
  }
  return `job ${jobId} did not finish within ${context.options.jobTimeoutMs} ms (last status: ${lastStatus})`;
}

// ------------------------------------------------------------------ requests

class MissingValueError extends Error {}

/** Replaces {{name}} placeholders; throws MissingValueError for a value no earlier entry captured. */
function fillText(template: string, context: PassContext): string {
  return template.replace(/\{\{([A-Za-z][\w.]*)\}\}/g, (_match, name: string) => {
    const value = context.values.get(name);
    if (value === undefined) {
      throw new MissingValueError(`missing value {{${name}}}`);
    }
    return value;
  });
}

function fillJson(value: unknown, context: PassContext): unknown {
  if (typeof value === "string") {
    const wholeJob = /^\{\{(job\.[\w]+)\}\}$/.exec(value);
    if (wholeJob !== null) {
      return Number(fillText(value, context));
    }
    return fillText(value, context);
  }
  if (Array.isArray(value)) {
    return value.map((item) => fillJson(item, context));
  }
  if (value !== null && typeof value === "object") {
    const filled: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      filled[fillText(key, context)] = fillJson(item, context);
    }
    return filled;
  }
  return value;
}

function authorizationFor(user: CorpusUser, options: PassContext["options"]): string | undefined {
  switch (user) {
    case "write":
      return basicAuthorization(options.writeUser);
    case "read":
      return basicAuthorization(options.readUser);
    case "nobody":
      return basicAuthorization(options.nobodyUser);
    case "badPassword":
      return basicAuthorization({ user: options.writeUser.user, password: `${options.writeUser.password}-wrong` });
    case "unknownUser":
      return basicAuthorization({ user: "fidelity-no-such-user", password: "secret" });
    case "none":
      return undefined;
  }
}

function buildRequest(entry: CorpusEntry, context: PassContext): RawRequest {
  const headers: Record<string, string> = {};
  const authorization = authorizationFor(entry.user, context.options);
  if (authorization !== undefined) {
    headers["Authorization"] = authorization;
  }
  let body: string | undefined;
  if (entry.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(fillJson(entry.json, context));
  } else if (entry.body !== undefined) {
    body = fillText(entry.body, context);
  }
  for (const [name, value] of Object.entries(entry.headers ?? {})) {
    headers[name] = fillText(value, context);
  }
  const query = entry.query === undefined ? "" : `?${fillText(entry.query, context)}`;
  return {
    method: entry.method,
    pathAndQuery: fillText(entry.path, context) + query,
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

function describe(entry: CorpusEntry): string {
  return `${entry.method} ${entry.path}${entry.query === undefined ? "" : `?${entry.query}`}`;
}

async function runEntry(entry: CorpusEntry, context: PassContext): Promise<PassEntry> {
  let request: RawRequest;
  try {
    request = buildRequest(entry, context);
  } catch (error) {
    if (error instanceof MissingValueError) {
      return { skipped: error.message };
    }
    throw error;
  }

  const response = await (request.method === "HEAD" ? sendHead : send)(
    context.base,
    request,
    context.options.requestTimeoutMs,
    context.options.insecure,
  );
  const trimmed = response.body.trim();
  const isJobId = response.status === 200 && /^\d+$/.test(trimmed);
  if (entry.captureJob !== undefined && isJobId) {
    context.values.set(`job.${entry.captureJob}`, trimmed);
    nameJob(context.mask, trimmed, entry.captureJob);
  }
  if (entry.captureString !== undefined && response.status === 200 && trimmed.startsWith('"')) {
    const value: unknown = JSON.parse(trimmed);
    if (typeof value === "string") {
      context.values.set(`value.${entry.captureString}`, value);
    }
  }

  // A response compared by shape only (such as the job list, which grows
  // between the passes) must not take numbers for job ids and uuids that the
  // other pass never sees, so it is masked with a throwaway copy.
  const maskState = entry.compare === "shape" ? copyMaskState(context.mask) : context.mask;
  startResponse(maskState);
  const masked = maskBody(response.body, maskState, {
    runToken: context.token,
    integerIsJob: entry.integerIsNotJob !== true,
  });
  const result: PassEntry = { response, masked };
  if (entry.waitForJob === true) {
    result.jobProblem = isJobId
      ? await waitForJob(context, trimmed)
      : `expected a job id to wait for, got HTTP ${response.status}`;
  }
  return result;
}

// ------------------------------------------------------------------ cleanup

function namesIn(value: unknown): string[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value
    .map((item) => (item as { id?: unknown; name?: unknown } | null)?.id ?? (item as { name?: unknown } | null)?.name)
    .filter((name): name is string => typeof name === "string");
}

async function submitAndWait(context: PassContext, method: string, pathAndQuery: string, body?: unknown): Promise<void> {
  const { status, value } = await callJson(context, method, pathAndQuery, body);
  if (status === 200 && (typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value)))) {
    await waitForJob(context, String(value));
  }
}

/**
 * Removes what an interrupted pass left: queued jobs held by its filter, the
 * filter, instances, networks, groups and tags whose names contain one of
 * `tokens`. Returns what it removed.
 */
async function removeLeftovers(context: PassContext, tokens: string[]): Promise<string[]> {
  const ownedByPass = (text: string): boolean => tokens.some((token) => text.includes(token));
  const removed: string[] = [];

  const queued = await callJson(context, "PUT", "/2/query/job", {
    fields: ["id", "ops"],
    qfilter: ["|", ["=", "status", "queued"], ["=", "status", "waiting"]],
  });
  const rows = (queued.value as { data?: unknown } | null)?.data;
  for (const row of Array.isArray(rows) ? rows : []) {
    const [idField, opsField] = row as [[number, unknown], [number, unknown]];
    if (ownedByPass(JSON.stringify(opsField))) {
      await callJson(context, "DELETE", `/2/jobs/${String(idField[1])}`);
      removed.push(`queued job ${String(idField[1])}`);
    }
  }

  const filters = await callJson(context, "GET", "/2/filters?bulk=1");
  for (const filter of Array.isArray(filters.value) ? filters.value : []) {
    const uuid = (filter as { uuid?: unknown }).uuid;
    if (typeof uuid === "string" && ownedByPass(JSON.stringify(filter))) {
      await callJson(context, "DELETE", `/2/filters/${uuid}`);
      removed.push(`filter ${uuid}`);
    }
  }

  for (const name of namesIn((await callJson(context, "GET", "/2/instances")).value)) {
    if (ownedByPass(name)) {
      await submitAndWait(context, "DELETE", `/2/instances/${name}`);
      removed.push(`instance ${name}`);
    }
  }
  for (const name of namesIn((await callJson(context, "GET", "/2/networks")).value)) {
    if (ownedByPass(name)) {
      for (const group of namesIn((await callJson(context, "GET", "/2/groups")).value)) {
        await submitAndWait(context, "PUT", `/2/networks/${name}/disconnect`, { group_name: group });
      }
      await submitAndWait(context, "DELETE", `/2/networks/${name}`);
      removed.push(`network ${name}`);
    }
  }
  for (const name of namesIn((await callJson(context, "GET", "/2/groups")).value)) {
    if (ownedByPass(name)) {
      await submitAndWait(context, "DELETE", `/2/groups/${name}`);
      removed.push(`group ${name}`);
    }
  }

  const node = context.values.get("node") ?? "";
  for (const tagsPath of ["/2/tags", `/2/nodes/${node}/tags`, "/2/groups/default/tags"]) {
    const tags = (await callJson(context, "GET", tagsPath)).value;
    const own = (Array.isArray(tags) ? tags : []).filter((tag): tag is string => typeof tag === "string" && ownedByPass(tag));
    if (own.length > 0) {
      const query = own.map((tag) => `tag=${encodeURIComponent(tag)}`).join("&");
      await submitAndWait(context, "DELETE", `${tagsPath}?${query}`);
      removed.push(`tags ${own.join(", ")} on ${tagsPath}`);
    }
  }
  return removed;
}

// ------------------------------------------------------------------ passes

async function runPass(label: PassLabel, options: PassContext["options"]): Promise<{ entries: Map<string, PassEntry>; elapsedMs: number }> {
  const started = performance.now();
  const context: PassContext = {
    label,
    base: new URL(label === "direct" ? options.direct : options.gateway),
    token: RUN_TOKENS[label],
    options,
    values: new Map(),
    mask: createMaskState(),
  };
  context.values.set("run", context.token);
  context.values.set("basic.write", Buffer.from(`${options.writeUser.user}:${options.writeUser.password}`).toString("base64"));

  let info: { status: number; value: unknown };
  try {
    info = await callJson(context, "GET", "/2/info");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = /certificate/i.test(message) ? " (use --insecure to accept a self-signed certificate)" : "";
    throw new Error(`${message}${hint}`);
  }
  const master = (info.value as { master?: unknown } | null)?.master;
  if (info.status !== 200 || typeof master !== "string") {
    throw new Error(`GET ${context.base.origin}/2/info as ${options.writeUser.user} returned HTTP ${info.status}; check the URL and the write user`);
  }
  context.values.set("node", master);

  // Both passes' leftovers go first: an object of the other pass would show
  // up in this pass's lists and shift the numbering of generated values.
  const leftovers = await removeLeftovers(context, Object.values(RUN_TOKENS));
  if (leftovers.length > 0) {
    options.log(`${label}: removed leftovers of an earlier run: ${leftovers.join("; ")}`);
  }

  const entries = new Map<string, PassEntry>();
  try {
    for (const entry of options.entries) {
      const result = await runEntry(entry, context);
      entries.set(entry.id, result);
      const status = result.skipped ?? String(result.response?.status);
      options.log(`${label}: ${entry.id} ${describe(entry)} -> ${status}${result.jobProblem === undefined ? "" : ` (${result.jobProblem})`}`);
    }
  } finally {
    const remaining = await removeLeftovers(context, [context.token]);
    if (remaining.length > 0) {
      options.log(`${label}: removed what the pass left: ${remaining.join("; ")}`);
    }
  }
  return { entries, elapsedMs: Math.round(performance.now() - started) };
}

// ------------------------------------------------------------------ comparison

function compareEntry(
  entry: CorpusEntry,
  direct: PassEntry,
  gateway: PassEntry,
  intended: IntendedDifference[],
): EntryResult {
  const base = { id: entry.id, request: describe(entry), note: entry.note, direct, gateway };
  if (direct.skipped !== undefined && gateway.skipped !== undefined) {
    return { ...base, verdict: "skipped", differences: [`direct: ${direct.skipped}`, `gateway: ${gateway.skipped}`] };
  }
  const directResponse = direct.response;
  const gatewayResponse = gateway.response;
  if (directResponse === undefined || gatewayResponse === undefined || direct.masked === undefined || gateway.masked === undefined) {
    return {
      ...base,
      verdict: "different",
      differences: [`sent on one side only: direct ${direct.skipped ?? "sent"}, gateway ${gateway.skipped ?? "sent"}`],
    };
  }

  const differences: string[] = [];
  if (directResponse.error !== undefined || gatewayResponse.error !== undefined) {
    differences.push(`transport: direct ${directResponse.error ?? "ok"}, gateway ${gatewayResponse.error ?? "ok"}`);
  }
  if (directResponse.status !== gatewayResponse.status) {
    differences.push(`status: ${directResponse.status} ≠ ${gatewayResponse.status}`);
  }
  if (directResponse.contentType !== gatewayResponse.contentType) {
    differences.push(`Content-Type: ${String(directResponse.contentType)} ≠ ${String(gatewayResponse.contentType)}`);
  }
  if (directResponse.wwwAuthenticate !== gatewayResponse.wwwAuthenticate) {
    differences.push(`WWW-Authenticate: ${String(directResponse.wwwAuthenticate)} ≠ ${String(gatewayResponse.wwwAuthenticate)}`);
  }
  // A response to HEAD has no body (RFC 9110, section 9.3.2); ganeti-rapi
  // 3.0.2 sends one anyway, which a gateway's HTTP stack drops.
  if (entry.method !== "HEAD") {
    differences.push(...diffBodies(direct.masked, gateway.masked, entry.compare === "shape"));
  }
  if (differences.length === 0) {
    return { ...base, verdict: "same", differences };
  }

  const excuse = intended.find((difference) => difference.ids.includes(entry.id));
  if (excuse !== undefined && gatewayResponse.status === excuse.gatewayStatus && matchesIntendedBody(excuse, gateway.masked)) {
    return { ...base, verdict: "intended", differences, reason: excuse.reason };
  }
  return { ...base, verdict: "different", differences };
}

function matchesIntendedBody(difference: IntendedDifference, body: MaskedBody): boolean {
  if (!("gatewayBody" in difference)) {
    return true;
  }
  return body.kind === "json" && JSON.stringify(body.value) === JSON.stringify(difference.gatewayBody);
}

/** Runs the corpus against both base URLs and compares the responses. */
export async function runFidelity(options: FidelityOptions): Promise<FidelityReport> {
  const resolved: PassContext["options"] = {
    direct: options.direct,
    gateway: options.gateway,
    writeUser: options.writeUser,
    readUser: options.readUser,
    nobodyUser: options.nobodyUser,
    insecure: options.insecure ?? false,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    jobTimeoutMs: options.jobTimeoutMs ?? 120_000,
    entries: options.entries ?? corpus,
    intendedDifferences: options.intendedDifferences ?? intendedDifferences,
    log: options.log ?? (() => {}),
  };
  const ids = new Set<string>();
  for (const entry of resolved.entries) {
    if (ids.has(entry.id)) {
      throw new Error(`corpus entry id ${entry.id} is used twice; ids must be unique`);
    }
    ids.add(entry.id);
  }

  const directPass = await runPass("direct", resolved);
  const gatewayPass = await runPass("gateway", resolved);

  const results = resolved.entries.map((entry) =>
    compareEntry(
      entry,
      directPass.entries.get(entry.id) ?? { skipped: "not run" },
      gatewayPass.entries.get(entry.id) ?? { skipped: "not run" },
      resolved.intendedDifferences,
    ),
  );
  const count = (verdict: Verdict): number => results.filter((result) => result.verdict === verdict).length;
  const same = count("same");
  return {
    results,
    total: results.length,
    same,
    intended: count("intended"),
    different: count("different"),
    skipped: count("skipped"),
    matchRate: results.length === 0 ? 0 : same / results.length,
    ok: count("different") === 0,
    directMs: directPass.elapsedMs,
    gatewayMs: gatewayPass.elapsedMs,
  };
}

// ------------------------------------------------------------------ report

/** Formats the report as text: one line per entry, the differences indented below. */
export function formatReport(report: FidelityReport): string {
  const lines: string[] = [];
  const idWidth = Math.max(...report.results.map((result) => result.id.length), 2);
  for (const result of report.results) {
    const directStatus = result.direct.response?.status ?? "-";
    const gatewayStatus = result.gateway.response?.status ?? "-";
    const statuses = directStatus === gatewayStatus ? `${directStatus}` : `${directStatus}/${gatewayStatus}`;
    lines.push(`${result.verdict.padEnd(9)} ${result.id.padEnd(idWidth)} ${statuses.padEnd(7)} ${result.request}`);
    if (result.verdict === "intended" && result.reason !== undefined) {
      lines.push(`          intended: ${result.reason}`);
    }
    if (result.verdict !== "same") {
      for (const difference of result.differences) {
        lines.push(`          ${difference}`);
      }
    }
    for (const [label, pass] of [["direct", result.direct], ["gateway", result.gateway]] as const) {
      if (pass.jobProblem !== undefined) {
        lines.push(`          ${label}: ${pass.jobProblem}`);
      }
    }
  }
  const percent = (report.matchRate * 100).toFixed(1);
  lines.push("");
  lines.push(
    `match rate: ${report.same}/${report.total} same (${percent}%), ${report.intended} intended differences, ` +
      `${report.different} unexpected differences, ${report.skipped} skipped`,
  );
  lines.push(`time: direct pass ${(report.directMs / 1000).toFixed(1)} s, gateway pass ${(report.gatewayMs / 1000).toFixed(1)} s`);
  return lines.join("\n");
}

// ------------------------------------------------------------------ command line

function parseCredentials(value: string, option: string): Credentials {
  const colon = value.indexOf(":");
  if (colon <= 0) {
    throw new UsageError(`${option} must be USER:PASSWORD, got "${value}"`);
  }
  return { user: value.slice(0, colon), password: value.slice(colon + 1) };
}

class UsageError extends Error {}

const USAGE = `usage: node test/real/fidelity.ts --direct URL --gateway URL [options]

  --direct URL          ganeti-rapi base URL             [$FIDELITY_DIRECT_URL, http://127.0.0.1:5080]
  --gateway URL         gateway base URL (required)      [$FIDELITY_GATEWAY_URL]
  --write-user U:P      user with option write           [$FIDELITY_WRITE_USER, admin:secret]
  --read-user U:P       user with option read            [$FIDELITY_READ_USER, reader:readpw]
  --nobody-user U:P     user without options             [$FIDELITY_NOBODY_USER, nobody:nobodypw]
  --insecure            accept self-signed certificates on https URLs
  --json FILE           also write the full report, with the raw responses, as JSON
  --verbose             print each request of both passes as it is sent`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      direct: { type: "string" },
      gateway: { type: "string" },
      "write-user": { type: "string" },
      "read-user": { type: "string" },
      "nobody-user": { type: "string" },
      insecure: { type: "boolean", default: false },
      json: { type: "string" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const env = process.env;
  const gateway = values.gateway ?? env["FIDELITY_GATEWAY_URL"];
  if (gateway === undefined || gateway === "") {
    throw new UsageError("--gateway URL is required (use the --direct URL as well to check the masking)");
  }
  const options: FidelityOptions = {
    direct: values.direct ?? env["FIDELITY_DIRECT_URL"] ?? "http://127.0.0.1:5080",
    gateway,
    writeUser: parseCredentials(values["write-user"] ?? env["FIDELITY_WRITE_USER"] ?? "admin:secret", "--write-user"),
    readUser: parseCredentials(values["read-user"] ?? env["FIDELITY_READ_USER"] ?? "reader:readpw", "--read-user"),
    nobodyUser: parseCredentials(values["nobody-user"] ?? env["FIDELITY_NOBODY_USER"] ?? "nobody:nobodypw", "--nobody-user"),
    insecure: values.insecure === true,
    log: values.verbose === true ? (line) => console.error(line) : () => {},
  };
  for (const url of [options.direct, options.gateway]) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new UsageError(`not an http or https URL: ${url}`);
    }
  }

  const report = await runFidelity(options);
  console.log(formatReport(report));
  if (values.json !== undefined) {
    writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  return report.ok ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`${error.message}\n\n${USAGE}`);
        process.exitCode = 2;
        return;
      }
      console.error(`fidelity run failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
