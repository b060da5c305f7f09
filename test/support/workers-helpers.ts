/**
 * Helpers for tests that run inside workerd: reaching the Worker, seeding
 * edge users in KV and reading the simulator's request log.
 */
import { env, exports } from "cloudflare:workers";
import { expect, inject } from "vitest";
import { parseUsersFile, userKey } from "../../src/auth/users-file";
import { EDGE_USERS_FILE } from "./test-users";

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  headerBytes: number;
  chunked: boolean;
}

export interface SimulatorStats {
  total: number;
  byRoute: Record<string, number>;
  requests: RecordedRequest[];
}

export const EDGE_CREDENTIALS = {
  operator: "operator:operator-secret",
  auditor: "auditor:auditor-secret",
  guest: "guest:guest-secret",
} as const;

export function simulatorUrl(): string {
  return inject("simulatorUrl");
}

/** Writes the edge users of test-users.ts into the USERS namespace. */
export async function seedEdgeUsers(): Promise<void> {
  for (const [name, record] of parseUsersFile(EDGE_USERS_FILE).users) {
    await env.USERS.put(userKey(name), JSON.stringify(record));
  }
}

export function basicAuth(credentials: string): string {
  return `Basic ${btoa(credentials)}`;
}

/** Sends a request to the Worker under test. */
export function gatewayFetch(path: string, init: RequestInit & { as?: keyof typeof EDGE_CREDENTIALS } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.as !== undefined && !headers.has("Authorization")) {
    headers.set("Authorization", basicAuth(EDGE_CREDENTIALS[init.as]));
  }
  const { as: _as, ...rest } = init;
  return exports.default.fetch(new Request(`https://rapi-edge.test${path}`, { ...rest, headers }));
}

export async function simulatorStats(): Promise<SimulatorStats> {
  const response = await fetch(`${simulatorUrl()}/__simulator/stats`);
  return (await response.json()) as SimulatorStats;
}

export async function resetSimulator(): Promise<void> {
  await fetch(`${simulatorUrl()}/__simulator/reset`, { method: "POST" });
  await setSimulatorFault({ mode: "none" });
}

export async function setSimulatorFault(fault: { mode: string; delayMs?: number; count?: number }): Promise<void> {
  const response = await fetch(`${simulatorUrl()}/__simulator/faults`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(fault) });
  await response.arrayBuffer();
}

/**
 * Checks that a response is an error in ganeti-rapi's shape with this status:
 * `Content-Type: application/json` and exactly `code`, `message` and
 * `explain`. Returns the body for further checks.
 */
export async function expectRapiError(response: Response, status: number): Promise<{ code: number; message: string; explain: string }> {
  expect(response.status).toBe(status);
  expect(response.headers.get("Content-Type")).toBe("application/json");
  const body = (await response.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(["code", "explain", "message"]);
  expect(body.code).toBe(status);
  expect(typeof body.message).toBe("string");
  expect(typeof body.explain).toBe("string");
  return body as { code: number; message: string; explain: string };
}
