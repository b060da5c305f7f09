/**
 * Helpers for the job tests: simulated jobs, /wait requests and counts of
 * what reached the simulator.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import type { Env } from "../../src/config";
import { basicAuth, EDGE_CREDENTIALS, simulatorStats, simulatorUrl, type RecordedRequest } from "../support/workers-helpers";

export const workerEnv = env as unknown as Env;

export interface WaitBody {
  fields: unknown;
  previous_job_info?: unknown;
  previous_log_serial?: unknown;
}

export interface WaitResult {
  job_info: unknown[];
  log_entries: [number, [number, number], string, string][];
}

/** Starts a simulated job that runs `steps` steps of `stepMs`, one log entry each; returns its id. */
export async function startJob(options: { steps: number; final?: "success" | "error"; stepMs?: number }): Promise<number> {
  const response = await fetch(`${simulatorUrl()}/__simulator/jobs`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ final: "success", ...options }),
  });
  const body = (await response.json()) as unknown;
  const id = typeof body === "number" ? body : (body as { id?: unknown; job_id?: unknown }).id ?? (body as { job_id?: unknown }).job_id;
  if (response.status !== 200 || typeof id !== "number") {
    throw new Error(`the simulator did not start a job: ${response.status} ${JSON.stringify(body)}`);
  }
  return id;
}

/**
 * Sends `GET /2/jobs/[id]/wait` with a JSON body. The Fetch standard forbids
 * building a GET Request with a body, although workerd delivers one that a
 * client sent over HTTP. So the test hands the Worker's fetch handler a
 * request-shaped object with the fields the router and checks read.
 */
export async function gatewayWait(jobId: number | string, body: WaitBody | string | undefined, as: keyof typeof EDGE_CREDENTIALS = "operator"): Promise<Response> {
  let text = "";
  if (typeof body === "string") {
    text = body;
  } else if (body !== undefined) {
    text = JSON.stringify(body);
  }
  const carrier = new Request("https://rapi-edge.test/", { method: "POST", body: text });
  const headers = new Headers({ Authorization: basicAuth(EDGE_CREDENTIALS[as]), "Content-Type": "application/json" });
  const request = { url: `https://rapi-edge.test/2/jobs/${jobId}/wait`, method: "GET", headers, body: text === "" ? null : carrier.body };

  const ctx = createExecutionContext();
  const response = await worker.fetch(request as unknown as Request, workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Waits as Ganeti's Python client does and returns the parsed response body, null when nothing changed. */
export async function waitFor(jobId: number, body: WaitBody): Promise<WaitResult | null> {
  const response = await gatewayWait(jobId, body);
  if (response.status !== 200) {
    throw new Error(`/wait answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as WaitResult | null;
}

/** Requests the simulator recorded for one method and path. */
export async function upstreamRequests(method: string, path: string): Promise<RecordedRequest[]> {
  const { requests } = await simulatorStats();
  return requests.filter((request) => request.method === method && request.path === path);
}

export async function upstreamJobReads(jobId: number): Promise<number> {
  return (await upstreamRequests("GET", `/2/jobs/${jobId}`)).length;
}

export async function upstreamTotal(): Promise<number> {
  return (await simulatorStats()).total;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
