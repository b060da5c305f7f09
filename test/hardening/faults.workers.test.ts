/**
 * The gateway when something behind it fails: the daemon down or
 * misbehaving, the users store failing, a Durable Object failing. Each
 * failure gets a fixed status in RAPI's error shape within the upstream
 * timeout, authentication fails closed, and a write reaches the daemon at
 * most once.
 */
import { abortAllDurableObjects, createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { connect } from "cloudflare:sockets";
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { userKey } from "../../src/auth/users-file";
import type { Env } from "../../src/config";
import worker from "../../src/index";
import { GATEWAY_TEST_VARS } from "../support/test-users";
import { basicAuth, EDGE_CREDENTIALS, expectRapiError, resetSimulator, seedEdgeUsers, setSimulatorFault, simulatorStats } from "../support/workers-helpers";

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
import { gatewayWait, startJob } from "../jobs/job-helpers";

const ORIGIN = "https://rapi-edge.test";
const TIMEOUT_MS = Number(GATEWAY_TEST_VARS.UPSTREAM_TIMEOUT_MS);
// Time allowed on top of the upstream timeout for the gateway's own work.
const MARGIN_MS = 1500;
const OPERATOR = basicAuth(EDGE_CREDENTIALS.operator);
const WWW_AUTHENTICATE = 'Basic realm="Ganeti Remote API"';

// A loopback port with no listener. Nothing normally listens on port 1
// (TCPMUX), and the first test checks that, so a listener fails it clearly.
const CLOSED_PORT = 1;

const workerEnv = env as unknown as Env;

interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
}

/** A read, a write without a body, a write with one. */
const REQUESTS: readonly SentRequest[] = [
  { method: "GET", path: "/2/info" },
  { method: "PUT", path: "/2/tags?tag=fault" },
  {
    method: "POST",
    path: "/2/instances",
    body: JSON.stringify({ __version__: 1, mode: "create", name: "inst-fault.ganeti.test", disk_template: "diskless", disks: [], nics: [{}], os_type: "noop" }),
  },
];

/** Sends a request to the Worker's fetch handler with `overrides` on top of the test bindings. */
async function sendWith(sent: SentRequest, overrides: Partial<Env> = {}, headers: HeadersInit = { Authorization: OPERATOR }): Promise<{ response: Response; elapsedMs: number }> {
  const requestHeaders = new Headers(headers);
  if (sent.body !== undefined) {
    requestHeaders.set("Content-Type", "application/json");
  }
  const request = new Request(`${ORIGIN}${sent.path}`, { method: sent.method, headers: requestHeaders, body: sent.body ?? null });

  const ctx = createExecutionContext();
  const started = Date.now();
  const response = await worker.fetch(request, { ...workerEnv, ...overrides }, ctx);
  const elapsedMs = Date.now() - started;
  await waitOnExecutionContext(ctx);
  return { response, elapsedMs };
}

/** Requests the simulator received for one route, e.g. "PUT /2/tags". */
async function upstreamCount(route: string): Promise<number> {
  return (await simulatorStats()).byRoute[route] ?? 0;
}

function routeOf(sent: SentRequest): string {
  return `${sent.method} ${sent.path.split("?")[0] ?? sent.path}`;
}

async function untilUpstreamReceives(route: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while ((await upstreamCount(route)) === 0) {
    if (Date.now() > deadline) {
      throw new Error(`the simulator never received ${route}`);
    }
    await sleep(20);
  }
}

beforeAll(seedEdgeUsers);
beforeEach(resetSimulator);

describe("daemon down", () => {
  it("finds no listener on the closed loopback port", async () => {
    const socket = connect({ hostname: "127.0.0.1", port: CLOSED_PORT });
    await expect(socket.opened, `something listens on 127.0.0.1:${CLOSED_PORT}; these tests need a closed port`).rejects.toThrow();
  });

  it.for(REQUESTS)("answers 502 at once to $method $path when the connection is refused", async (sent) => {
    const { response, elapsedMs } = await sendWith(sent, { UPSTREAM_URL: `http://127.0.0.1:${CLOSED_PORT}` });

    await expectRapiError(response, 502);
    expect(response.headers.get("WWW-Authenticate")).toBeNull();
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS);
    expect((await simulatorStats()).total).toBe(0);
  });
});

describe("daemon misbehaving", () => {
  const faults = [
    { mode: "refuse-after-accept", status: 502, description: "resets the connection after accepting it", quick: true },
    { mode: "close", status: 502, description: "closes without a reply", quick: true },
    { mode: "garbage", status: 502, description: "answers bytes that are not HTTP", quick: true },
    { mode: "truncated", status: 502, description: "sends a body shorter than its Content-Length", quick: true },
    { mode: "hang", status: 504, description: "accepts and never answers", quick: false },
    { mode: "slow", delayMs: TIMEOUT_MS + 2000, status: 504, description: "answers after the timeout", quick: false },
  ] as const;
  const cases = faults.flatMap((fault) => REQUESTS.map((sent) => ({ ...fault, sent })));

  it.for(cases)("$sent.method $sent.path: $status once when the daemon $description", async ({ mode, status, sent, quick, ...rest }) => {
    await setSimulatorFault({ mode, count: 1, ...("delayMs" in rest ? { delayMs: rest.delayMs } : {}) });

    const { response, elapsedMs } = await sendWith(sent);

    await expectRapiError(response, status);
    expect(response.headers.get("WWW-Authenticate")).toBeNull();
    expect(elapsedMs).toBeLessThan(quick ? TIMEOUT_MS : TIMEOUT_MS + MARGIN_MS);
    if (!quick) {
      expect(elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    }
    expect(await upstreamCount(routeOf(sent))).toBe(1);
    expect((await simulatorStats()).total).toBe(1);
  });

  it.for(REQUESTS)("passes on a slow answer within the timeout for $method $path", async (sent) => {
    await setSimulatorFault({ mode: "slow", delayMs: TIMEOUT_MS - 1000, count: 1 });

    const { response } = await sendWith(sent);

    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(await upstreamCount(routeOf(sent))).toBe(1);
  });

  it("serves the next request normally after a failed one", async () => {
    await setSimulatorFault({ mode: "garbage", count: 1 });
    await expectRapiError((await sendWith({ method: "GET", path: "/2/info" })).response, 502);

    const { response } = await sendWith({ method: "GET", path: "/2/info" });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });

  it("answers 502, not a login prompt, when the daemon refuses the gateway's account", async () => {
    const { response } = await sendWith({ method: "GET", path: "/2/info" }, { UPSTREAM_READ_PASSWORD: "not-the-password" });

    await expectRapiError(response, 502);
    expect(response.headers.get("WWW-Authenticate")).toBeNull();
    expect(await upstreamCount("GET /2/info")).toBe(1);
  });
});

/**
 * Miniflare's KV cannot be made to fail from inside a test: a key over the
 * 512-byte limit is a rejected request, not an outage, and the gateway no
 * longer sends one. The users store is reached only through the USERS
 * binding, so these tests bind a KVNamespace-shaped object whose reads
 * reject. That binding is the seam; the gateway above it is the real one.
 */
describe("users store failure", () => {
  const failingUsers = {
    get: () => Promise.reject(new Error("KV GET failed: 503 Service Unavailable")),
  } as unknown as KVNamespace;

  it.for(REQUESTS)("answers 503 to $method $path and sends nothing upstream when user reads fail", async (sent) => {
    const { response, elapsedMs } = await sendWith(sent, { USERS: failingUsers });

    await expectRapiError(response, 503);
    expect(response.headers.get("WWW-Authenticate")).toBeNull();
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS);
    expect((await simulatorStats()).total).toBe(0);
  });

  it("checks sent credentials even where anonymous reads are allowed", async () => {
    const { response } = await sendWith({ method: "GET", path: "/2/info" }, { USERS: failingUsers, REQUIRE_AUTH: "false" });

    await expectRapiError(response, 503);
    expect((await simulatorStats()).total).toBe(0);
  });

  it("still answers 401 to a request without credentials", async () => {
    const { response } = await sendWith({ method: "GET", path: "/2/info" }, { USERS: failingUsers }, {});

    await expectRapiError(response, 401);
    expect(response.headers.get("WWW-Authenticate")).toBe(WWW_AUTHENTICATE);
    expect((await simulatorStats()).total).toBe(0);
  });

  const damagedRecords: [string, string][] = [
    ["text that is not JSON", "{not json"],
    ["a JSON string", '"write"'],
    ["options that are not a list", JSON.stringify({ password: "damaged-secret", options: "write" })],
    ["an empty password", JSON.stringify({ password: "", options: ["write"] })],
    ["no password", JSON.stringify({ options: ["write"] })],
  ];
  it.for(damagedRecords)("answers 401 for a stored user record holding %s", async ([, stored]) => {
    await workerEnv.USERS.put(userKey("damaged"), stored);

    const { response } = await sendWith({ method: "PUT", path: "/2/tags?tag=x" }, {}, { Authorization: basicAuth("damaged:damaged-secret") });

    await expectRapiError(response, 401);
    expect((await simulatorStats()).total).toBe(0);
  });
});

describe("Durable Object failure", () => {
  it("answers 503 to a held /wait when the job's object is reset", async () => {
    const jobId = await startJob({ steps: 1, stepMs: 20_000 });
    const first = await gatewayWait(jobId, { fields: ["status"], previous_job_info: null });
    const current = (await first.json()) as { job_info: unknown[] };

    const started = Date.now();
    const heldWait = gatewayWait(jobId, { fields: ["status"], previous_job_info: current.job_info, previous_log_serial: 0 });
    await sleep(300);
    await abortAllDurableObjects();

    await expectRapiError(await heldWait, 503);
    expect(Date.now() - started).toBeLessThan(Number(GATEWAY_TEST_VARS.JOB_WAIT_TIMEOUT_MS));
  });

  it("answers 503 to a job read whose object is reset mid-poll, then recovers", async () => {
    const jobId = await startJob({ steps: 1, stepMs: 20_000 });
    await setSimulatorFault({ mode: "slow", delayMs: 2000, count: 1 });

    const pending = sendWith({ method: "GET", path: `/2/jobs/${jobId}` });
    await untilUpstreamReceives("GET /2/jobs/[job_id]");
    await abortAllDurableObjects();

    const { response, elapsedMs } = await pending;
    await expectRapiError(response, 503);
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS);

    const again = await sendWith({ method: "GET", path: `/2/jobs/${jobId}` });
    expect(again.response.status).toBe(200);
    expect(((await again.response.json()) as { id: unknown }).id).toBe(jobId);
  });

  it("answers 503 to a reset keyed write, sent once", async () => {
    await setSimulatorFault({ mode: "slow", delayMs: 1000, count: 1 });

    const pending = sendWith({ method: "PUT", path: "/2/tags?tag=reset-write" }, {}, { Authorization: OPERATOR, "Idempotency-Key": `reset-${crypto.randomUUID()}` });
    await untilUpstreamReceives("PUT /2/tags");
    await abortAllDurableObjects();

    const { response } = await pending;
    await expectRapiError(response, 503);

    // The daemon finishes the delayed write; nothing sends it a second time.
    await sleep(1500);
    expect(await upstreamCount("PUT /2/tags")).toBe(1);
  });
});
