import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GATEWAY_TEST_VARS } from "../support/test-users";
import { basicAuth, expectRapiError, gatewayFetch, resetSimulator, seedEdgeUsers, setSimulatorFault, simulatorUrl } from "../support/workers-helpers";
import { gatewayWait, sleep, startJob, upstreamJobReads, upstreamRequests, upstreamTotal, waitFor, workerEnv, type WaitResult } from "./job-helpers";

const POLL_INTERVAL_MS = Number(GATEWAY_TEST_VARS.JOB_POLL_INTERVAL_MS);
const WAIT_TIMEOUT_MS = Number(GATEWAY_TEST_VARS.JOB_WAIT_TIMEOUT_MS);
const READ_ACCOUNT = basicAuth(`${GATEWAY_TEST_VARS.UPSTREAM_READ_USER}:${GATEWAY_TEST_VARS.UPSTREAM_READ_PASSWORD}`);
const FINAL = new Set(["success", "error", "canceled"]);

/** Follows a job as Ganeti's client does until it is final; returns the statuses and log serials seen. */
async function followJob(jobId: number): Promise<{ statuses: string[]; serials: number[] }> {
  const statuses: string[] = [];
  const serials: number[] = [];
  let previousJobInfo: unknown[] | null = null;
  let previousLogSerial: number | null = null;
  for (let round = 0; round < 100; round += 1) {
    const result: WaitResult | null = await waitFor(jobId, { fields: ["status"], previous_job_info: previousJobInfo, previous_log_serial: previousLogSerial });
    if (result === null) {
      continue;
    }
    previousJobInfo = result.job_info;
    for (const entry of result.log_entries) {
      serials.push(entry[0]);
      previousLogSerial = entry[0];
    }
    const status = String(result.job_info[0]);
    statuses.push(status);
    if (FINAL.has(status)) {
      return { statuses, serials };
    }
  }
  throw new Error(`job ${jobId} did not finish within 100 waits`);
}

async function directJob(jobId: number): Promise<Response> {
  return fetch(`${simulatorUrl()}/2/jobs/${jobId}`, { headers: { Authorization: READ_ACCOUNT } });
}

async function untilFinal(jobId: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const job = (await (await directJob(jobId)).json()) as { status: string };
    if (FINAL.has(job.status)) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`job ${jobId} did not finish`);
}

beforeAll(seedEdgeUsers);
// The simulator never reuses a job id, so each test's job objects start empty.
beforeEach(resetSimulator);

afterEach(async () => {
  await setSimulatorFault({ mode: "none" });
});

describe("/wait at the edge", () => {
  it("answers at once when the fields differ", async () => {
    const jobId = await startJob({ steps: 3 });
    const result = await waitFor(jobId, { fields: ["id", "status"], previous_job_info: null, previous_log_serial: null });
    expect(result?.job_info[0]).toBe(jobId);
    expect(["queued", "running"]).toContain(result?.job_info[1]);
  });

  it("holds the client until a new log entry arrives", async () => {
    const jobId = await startJob({ steps: 4, stepMs: 400 });
    const first = await waitFor(jobId, { fields: ["status"], previous_job_info: null, previous_log_serial: null });
    const seen = first?.log_entries.at(-1)?.[0] ?? 0;

    const started = Date.now();
    const next = await waitFor(jobId, { fields: ["status"], previous_job_info: first?.job_info ?? null, previous_log_serial: seen });

    expect(next).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(WAIT_TIMEOUT_MS);
    const serials = next?.log_entries.map((entry) => entry[0]) ?? [];
    expect(serials.length + Number(next?.job_info[0] !== first?.job_info[0])).toBeGreaterThan(0);
    expect(serials.every((serial) => serial > seen)).toBe(true);
  });

  it("holds the client until the status changes", async () => {
    const jobId = await startJob({ steps: 1, stepMs: 500 });
    const result = await waitFor(jobId, { fields: ["status"], previous_job_info: ["queued"], previous_log_serial: 1000 });
    expect(result?.job_info).toEqual(["running"]);
    expect(result?.log_entries).toEqual([]);
  });

  it("answers a final job at once even when nothing changed", async () => {
    const jobId = await startJob({ steps: 1, stepMs: 50, final: "error" });
    await untilFinal(jobId);

    const started = Date.now();
    const result = await waitFor(jobId, { fields: ["status"], previous_job_info: ["error"], previous_log_serial: 1000 });
    expect(result).toEqual({ job_info: ["error"], log_entries: [] });
    expect(Date.now() - started).toBeLessThan(POLL_INTERVAL_MS * 5);
  });

  it("answers null when nothing changes within the wait limit", async () => {
    const jobId = await startJob({ steps: 1, stepMs: 20_000 });
    const current = await waitFor(jobId, { fields: ["status", "id"], previous_job_info: null, previous_log_serial: null });

    const started = Date.now();
    const response = await gatewayWait(jobId, { fields: ["status", "id"], previous_job_info: current?.job_info ?? null, previous_log_serial: 0 });
    const elapsed = Date.now() - started;

    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(await response.text()).toBe("null");
    expect(elapsed).toBeGreaterThanOrEqual(WAIT_TIMEOUT_MS - 100);
    expect(elapsed).toBeLessThan(WAIT_TIMEOUT_MS + 1500);
  });

  it("reads fields GET /2/jobs/[id] lacks through the job query", async () => {
    const jobId = await startJob({ steps: 1, stepMs: 50 });
    await untilFinal(jobId);

    const result = await waitFor(jobId, { fields: ["status", "priority", "nosuch", "id"], previous_job_info: null });
    expect(result?.job_info).toEqual(["success", 0, null, jobId]);

    const [query] = await upstreamRequests("PUT", "/2/query/job");
    expect(JSON.parse(query?.body ?? "null")).toEqual({ fields: ["priority", "nosuch"], qfilter: ["==", "id", jobId] });
    expect(query?.headers.authorization).toBe(READ_ACCOUNT);
  });

  it("polls with the read account whoever waits", async () => {
    const jobId = await startJob({ steps: 1 });
    await waitFor(jobId, { fields: ["status"], previous_job_info: null });
    const reads = await upstreamRequests("GET", `/2/jobs/${jobId}`);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((request) => request.headers.authorization === READ_ACCOUNT)).toBe(true);
  });

  it("returns 404 in RAPI's shape for an unknown job", async () => {
    const response = await gatewayWait(987654, { fields: ["status"] });
    const body = await expectRapiError(response, 404);
    expect(body.message).toBe("Not Found");
  });

  it("needs the write option", async () => {
    const response = await gatewayWait(1, { fields: ["status"] }, "auditor");
    await expectRapiError(response, 403);
  });

  const badBodies: [string, string | undefined, string][] = [
    ["an empty body", undefined, "Required parameter 'fields' is missing"],
    ["a body without fields", JSON.stringify({ previous_job_info: null }), "Required parameter 'fields' is missing"],
    ["a list body", JSON.stringify(["status"]), "Body contents: Type is 'list', but 'dict' is expected"],
    ["fields that are not a list", JSON.stringify({ fields: "status" }), "The 'fields' parameter should be a list"],
    ["previous_job_info that is not a list", JSON.stringify({ fields: [], previous_job_info: {} }), "The 'previous_job_info' parameter should be a list"],
    ["previous_log_serial that is not an integer", JSON.stringify({ fields: [], previous_log_serial: "1" }), "The 'previous_log_serial' parameter should be a number"],
  ];
  for (const [name, body, message] of badBodies) {
    it(`returns 400 for ${name} without asking the daemon`, async () => {
      const jobId = await startJob({ steps: 1 });
      const before = await upstreamTotal();

      const response = await gatewayWait(jobId, body);

      // On the wire the message is HTML-escaped, as ganeti-rapi escapes it.
      expect((await expectRapiError(response, 400)).message).toBe(message.replaceAll("'", "&#x27;"));
      expect(await upstreamTotal()).toBe(before);
    });
  }

  it("returns 400 for a body that is not JSON", async () => {
    const response = await gatewayWait(1, "{fields:");
    expect((await expectRapiError(response, 400)).message).toBe("Unable to parse JSON data");
  });
});

describe("GET /2/jobs/[id] at the edge", () => {
  it("returns an unknown job as the daemon does, and never keeps it", async () => {
    const direct = await directJob(424242);
    const directBody = await direct.text();
    const before = await upstreamJobReads(424242);

    const first = await gatewayFetch("/2/jobs/424242", { as: "guest" });
    const second = await gatewayFetch("/2/jobs/424242", { as: "guest" });

    expect(first.status).toBe(direct.status);
    expect(first.headers.get("Content-Type")).toBe(direct.headers.get("Content-Type"));
    expect(await first.text()).toBe(directBody);
    expect(await second.text()).toBe(directBody);
    expect((await upstreamJobReads(424242)) - before).toBe(2);
  });

  it("returns the daemon's answer for a running job", async () => {
    const jobId = await startJob({ steps: 3, stepMs: 1000 });
    const response = await gatewayFetch(`/2/jobs/${jobId}`, { as: "guest" });
    const job = (await response.json()) as { id: number; status: string };
    expect(response.status).toBe(200);
    expect(job.id).toBe(jobId);
  });

  it("serves concurrent reads of a running job with one upstream read", async () => {
    const jobId = await startJob({ steps: 3, stepMs: 1000 });
    const responses = await Promise.all(Array.from({ length: 10 }, () => gatewayFetch(`/2/jobs/${jobId}`, { as: "guest" })));
    const bodies = await Promise.all(responses.map((response) => response.text()));

    expect(new Set(bodies).size).toBe(1);
    expect(await upstreamJobReads(jobId)).toBe(1);
  });

  it("accepts leading zeros in the job id", async () => {
    const jobId = await startJob({ steps: 1 });
    const response = await gatewayFetch(`/2/jobs/000${jobId}`, { as: "guest" });
    expect(((await response.json()) as { id: number }).id).toBe(jobId);
  });
});

describe("final jobs", () => {
  it("serves a final job 50 times without asking the daemon again", async () => {
    const jobId = await startJob({ steps: 2, stepMs: 50 });
    await untilFinal(jobId);
    const first = await gatewayFetch(`/2/jobs/${jobId}`, { as: "guest" });
    const firstBody = await first.text();
    expect((JSON.parse(firstBody) as { status: string }).status).toBe("success");
    const before = await upstreamTotal();

    for (let round = 0; round < 50; round += 1) {
      const response = await gatewayFetch(`/2/jobs/${jobId}`, { as: "guest" });
      expect(await response.text()).toBe(firstBody);
    }
    for (let round = 0; round < 5; round += 1) {
      expect((await waitFor(jobId, { fields: ["status"], previous_job_info: ["success"] }))?.job_info).toEqual(["success"]);
    }

    expect(await upstreamTotal()).toBe(before);
  });

  it("asks the daemon again once the retention alarm has run", async () => {
    const jobId = await startJob({ steps: 1, stepMs: 50 });
    await untilFinal(jobId);
    await gatewayFetch(`/2/jobs/${jobId}`, { as: "guest" });
    const before = await upstreamJobReads(jobId);

    const stub = workerEnv.JOB_WATCH.get(workerEnv.JOB_WATCH.idFromName(String(jobId)));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await gatewayFetch(`/2/jobs/${jobId}`, { as: "guest" });

    expect((await upstreamJobReads(jobId)) - before).toBe(1);
  });
});

describe("one poll loop per job", () => {
  it("serves 100 concurrent waiters with one poll loop", async () => {
    const steps = 5;
    const stepMs = 300;
    const jobId = await startJob({ steps, stepMs });
    const started = Date.now();

    const followers = await Promise.all(Array.from({ length: 100 }, () => followJob(jobId)));
    const elapsed = Date.now() - started;
    const reads = await upstreamJobReads(jobId);

    for (const follower of followers) {
      expect(follower.statuses.at(-1)).toBe("success");
      expect(follower.serials).toEqual(Array.from({ length: steps }, (_, index) => index + 1));
    }
    // One loop polls once per interval; the first wait adds one read.
    expect(reads).toBeLessThanOrEqual(Math.ceil(elapsed / POLL_INTERVAL_MS) + 2);
    expect(reads).toBeGreaterThanOrEqual(2);
  });

  it("stops polling when nobody waits", async () => {
    const jobId = await startJob({ steps: 1, stepMs: 20_000 });
    const current = await waitFor(jobId, { fields: ["status"], previous_job_info: null });
    await waitFor(jobId, { fields: ["status"], previous_job_info: current?.job_info ?? null, previous_log_serial: 0 });
    // A poll sent as the wait ended has reached the simulator by now.
    await sleep(50);
    const afterWait = await upstreamJobReads(jobId);

    await sleep(POLL_INTERVAL_MS * 4);
    expect(await upstreamJobReads(jobId)).toBe(afterWait);
  });
});

describe("upstream failures while watching", () => {
  it("returns 502 to held waiters when the daemon closes the connection", async () => {
    const jobId = await startJob({ steps: 1, stepMs: 20_000 });
    const current = await waitFor(jobId, { fields: ["status"], previous_job_info: null });

    const held = gatewayWait(jobId, { fields: ["status"], previous_job_info: current?.job_info ?? null, previous_log_serial: 0 });
    await sleep(POLL_INTERVAL_MS / 2);
    await setSimulatorFault({ mode: "close", count: 2 });

    await expectRapiError(await held, 502);
  });

  it("returns 504 when the daemon does not answer the first poll", async () => {
    const jobId = await startJob({ steps: 1, stepMs: 20_000 });
    await setSimulatorFault({ mode: "hang", count: 1 });

    const started = Date.now();
    const response = await gatewayWait(jobId, { fields: ["status"], previous_job_info: null });

    await expectRapiError(response, 504);
    expect(Date.now() - started).toBeLessThan(Number(GATEWAY_TEST_VARS.UPSTREAM_TIMEOUT_MS) + 2000);
  });

  it("returns 502 for a garbled job answer", async () => {
    const jobId = await startJob({ steps: 1, stepMs: 20_000 });
    await setSimulatorFault({ mode: "garbage", count: 1 });
    await expectRapiError(await gatewayWait(jobId, { fields: ["status"], previous_job_info: null }), 502);
  });
});
