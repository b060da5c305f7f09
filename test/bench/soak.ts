/**
 * Soak test: a bounded mixed load through the gateway (workerd under
 * Miniflare) in front of the RAPI simulator, everything on 127.0.0.1.
 *
 *   node test/bench/soak.ts
 *
 * Settings, from the environment:
 *   SOAK_SECONDS            length of the run in seconds (default 180)
 *   SOAK_CONCURRENCY        clients sending requests back to back (default 8)
 *   SOAK_WARMUP_SECONDS     seconds of samples left out of the memory verdict
 *                           (default 60): workerd's resident memory climbs
 *                           while V8 grows its heaps and compiles the Worker
 *   SOAK_MEMORY_TOLERANCE   allowed growth of workerd's resident memory, as a
 *                           fraction: of the samples after the warm-up, the
 *                           mean of the last third may exceed the mean of the
 *                           first third by at most this much (default 0.2)
 *
 * The mix is about 80 % reads, 10 % tag writes (add and delete in turn) and
 * 10 % job reads and `/wait` calls on jobs the writes started. A few of the
 * reads are deliberate errors, an unknown path and a wrong password, which
 * must get 404 and 401. The resident memory (VmRSS) of the workerd process is
 * sampled every 10 s. The program prints the samples, the status counts and
 * a verdict, and exits with 1 when a request failed unexpectedly or memory
 * grew past the tolerance.
 */
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { launchGateway } from "../../src/cli/launch.ts";
import { startSimulator } from "../simulator/server.ts";
import { UPSTREAM_USERS_FILE } from "../support/test-users.ts";

const SECONDS = readPositiveNumber("SOAK_SECONDS", 180);
const CONCURRENCY = readPositiveNumber("SOAK_CONCURRENCY", 8);
const WARMUP_SECONDS = readPositiveNumber("SOAK_WARMUP_SECONDS", 60);
const MEMORY_TOLERANCE = readPositiveNumber("SOAK_MEMORY_TOLERANCE", 0.2);
const SAMPLE_INTERVAL_MS = 10_000;
// A request without a complete response after this long counts as failed.
const REQUEST_TIMEOUT_MS = 30_000;

const USERS_FILE = ["soak-reader {cleartext}soak-reader-secret read", "soak-writer {cleartext}soak-writer-secret write"].join("\n");
const READER = basicAuthorization("soak-reader:soak-reader-secret");
const WRITER = basicAuthorization("soak-writer:soak-writer-secret");
const WRONG_PASSWORD = basicAuthorization("soak-reader:wrong");
const NODE = "vm.ganeti.test";
// Writes cycle through this many tags, so the cluster's state stays bounded.
const TAG_COUNT = 16;
// Job reads and waits pick among the most recent jobs the writes started.
const RECENT_JOBS = 32;

type Operation = "read" | "deliberate-error" | "write" | "job-read" | "job-wait";

interface Outcome {
  readonly operation: Operation;
  readonly status: number;
  /** Whether the status is the one the operation must get. */
  readonly expected: boolean;
  readonly detail?: string;
}

interface MemorySample {
  readonly second: number;
  readonly rssKiB: number;
  readonly requests: number;
}

function readPositiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function basicAuthorization(credentials: string): string {
  return `Basic ${Buffer.from(credentials).toString("base64")}`;
}

/** Sends one request; node:http, unlike fetch, can send the body a `/wait` GET needs. */
function send(origin: string, agent: http.Agent, method: string, path: string, authorization: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: authorization, Accept: "application/json", "User-Agent": "rapi-edge soak" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(body));
    }
    const request = http.request(`${origin}${path}`, { method, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS} ms`)));
    request.on("error", reject);
    request.end(body);
  });
}

/** Reads the parent PID and command name of a process from /proc. */
function readProcessStat(pid: number): { parent: number; command: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const commandEnd = stat.lastIndexOf(")");
    const command = stat.slice(stat.indexOf("(") + 1, commandEnd);
    const parent = Number(stat.slice(commandEnd + 2).split(" ")[1]);
    return { parent, command };
  } catch {
    return undefined;
  }
}

/** Finds the workerd processes this program started, by walking /proc for its descendants. */
function findWorkerdDescendants(root: number): number[] {
  const parents = new Map<number, { parent: number; command: string }>();
  for (const entry of readdirSync("/proc")) {
    if (/^[0-9]+$/.test(entry)) {
      const stat = readProcessStat(Number(entry));
      if (stat !== undefined) {
        parents.set(Number(entry), stat);
      }
    }
  }

  const isDescendant = (pid: number): boolean => {
    let current = parents.get(pid)?.parent;
    while (current !== undefined && current > 1) {
      if (current === root) {
        return true;
      }
      current = parents.get(current)?.parent;
    }
    return false;
  };
  return [...parents].filter(([pid, stat]) => stat.command === "workerd" && isDescendant(pid)).map(([pid]) => pid);
}

function readRssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+([0-9]+) kB$/m.exec(status);
  if (match?.[1] === undefined) {
    throw new Error(`no VmRSS line in /proc/${pid}/status`);
  }
  return Number(match[1]);
}

function mean(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0) / values.length;
}

/** Picks an operation: reads 78 %, deliberate errors 2 %, writes 10 %, job reads 5 %, job waits 5 %. */
function pickOperation(): Operation {
  const roll = Math.random() * 100;
  if (roll < 78) {
    return "read";
  }
  if (roll < 80) {
    return "deliberate-error";
  }
  if (roll < 90) {
    return "write";
  }
  return roll < 95 ? "job-read" : "job-wait";
}

const READ_PATHS = ["/2/info", "/2/nodes?bulk=1", `/2/nodes/${NODE}`, "/2/instances", "/2/tags", "/2/os", "/2/features", "/version", `/2/nodes/${NODE}/role`];

class SoakClient {
  readonly #origin: string;
  readonly #agent: http.Agent;
  readonly #recentJobs: number[];
  #writes = 0;

  constructor(origin: string, agent: http.Agent, recentJobs: number[]) {
    this.#origin = origin;
    this.#agent = agent;
    this.#recentJobs = recentJobs;
  }

  async run(operation: Operation): Promise<Outcome> {
    switch (operation) {
      case "read":
        return this.#read();
      case "deliberate-error":
        return this.#deliberateError();
      case "write":
        return this.#write();
      case "job-read":
        return this.#jobRead();
      case "job-wait":
        return this.#jobWait();
    }
  }

  async #read(): Promise<Outcome> {
    const path = READ_PATHS[Math.floor(Math.random() * READ_PATHS.length)] ?? "/2/info";
    const { status } = await send(this.#origin, this.#agent, "GET", path, READER);
    return { operation: "read", status, expected: status === 200, detail: path };
  }

  async #deliberateError(): Promise<Outcome> {
    if (Math.random() < 0.5) {
      const { status } = await send(this.#origin, this.#agent, "GET", "/2/no-such-resource", READER);
      return { operation: "deliberate-error", status, expected: status === 404 };
    }
    const { status } = await send(this.#origin, this.#agent, "GET", "/2/info", WRONG_PASSWORD);
    return { operation: "deliberate-error", status, expected: status === 401 };
  }

  async #write(): Promise<Outcome> {
    this.#writes += 1;
    const tag = `soak-${Math.floor(Math.random() * TAG_COUNT)}`;
    const method = this.#writes % 2 === 1 ? "PUT" : "DELETE";
    const { status, text } = await send(this.#origin, this.#agent, method, `/2/tags?tag=${tag}`, WRITER);
    const jobId = Number(text.trim());
    if (status === 200 && Number.isInteger(jobId)) {
      this.#recentJobs.push(jobId);
      if (this.#recentJobs.length > RECENT_JOBS) {
        this.#recentJobs.shift();
      }
    }
    return { operation: "write", status, expected: status === 200 && Number.isInteger(jobId), detail: `${method} ${text.slice(0, 80)}` };
  }

  #recentJob(): number | undefined {
    return this.#recentJobs[Math.floor(Math.random() * this.#recentJobs.length)];
  }

  async #jobRead(): Promise<Outcome> {
    const jobId = this.#recentJob();
    if (jobId === undefined) {
      return this.#read();
    }
    const { status } = await send(this.#origin, this.#agent, "GET", `/2/jobs/${jobId}`, READER);
    return { operation: "job-read", status, expected: status === 200, detail: `job ${jobId}` };
  }

  /** Waits as Ganeti's Python client does: first with no previous state, then for a change of status. */
  async #jobWait(): Promise<Outcome> {
    const jobId = this.#recentJob();
    if (jobId === undefined) {
      return this.#read();
    }
    const path = `/2/jobs/${jobId}/wait`;
    const first = await send(this.#origin, this.#agent, "GET", path, WRITER, JSON.stringify({ fields: ["status"], previous_job_info: null, previous_log_serial: null }));
    if (first.status !== 200) {
      return { operation: "job-wait", status: first.status, expected: false, detail: `job ${jobId}: ${first.text.slice(0, 80)}` };
    }

    const answer = JSON.parse(first.text) as { job_info: unknown[] } | null;
    const body = JSON.stringify({ fields: ["status"], previous_job_info: answer?.job_info ?? null, previous_log_serial: null });
    const second = await send(this.#origin, this.#agent, "GET", path, WRITER, body);
    return { operation: "job-wait", status: second.status, expected: second.status === 200, detail: `job ${jobId}: ${second.text.slice(0, 80)}` };
  }
}

async function main(): Promise<void> {
  const simulator = await startSimulator({ usersFile: UPSTREAM_USERS_FILE, requireAuth: true, jobStepMs: 200 });
  const gateway = await launchGateway({
    upstreamUrl: simulator.url,
    usersFile: USERS_FILE,
    vars: {
      UPSTREAM_READ_USER: "edge-reader",
      UPSTREAM_READ_PASSWORD: "edge-reader-secret",
      UPSTREAM_WRITE_USER: "edge-writer",
      UPSTREAM_WRITE_PASSWORD: "edge-writer-secret",
      UPSTREAM_TIMEOUT_MS: "10000",
      USERS_CACHE_SECONDS: "30",
      JOB_POLL_INTERVAL_MS: "500",
      JOB_WAIT_TIMEOUT_MS: "5000",
    },
  });

  const workerdPids = findWorkerdDescendants(process.pid);
  const workerdPid = workerdPids[0];
  if (workerdPids.length !== 1 || workerdPid === undefined) {
    await gateway.close();
    await simulator.close();
    throw new Error(`expected one workerd process under PID ${process.pid}, found ${workerdPids.length}: ${workerdPids.join(", ")}`);
  }

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const recentJobs: number[] = [];
  const counts = new Map<string, number>();
  const unexpected: Outcome[] = [];
  const samples: MemorySample[] = [];
  let requests = 0;

  console.log(`soak: ${SECONDS} s, ${CONCURRENCY} clients, gateway ${gateway.url} (workerd PID ${workerdPid}), simulator ${simulator.url}`);
  const started = performance.now();
  const deadline = started + SECONDS * 1000;

  const record = (outcome: Outcome): void => {
    requests += 1;
    const key = `${outcome.operation} ${outcome.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (!outcome.expected) {
      unexpected.push(outcome);
    }
  };

  const sampler = setInterval(() => {
    samples.push({ second: Math.round((performance.now() - started) / 1000), rssKiB: readRssKiB(workerdPid), requests });
  }, SAMPLE_INTERVAL_MS);

  const clientLoop = async (): Promise<void> => {
    const client = new SoakClient(gateway.url, agent, recentJobs);
    while (performance.now() < deadline) {
      const operation = pickOperation();
      try {
        record(await client.run(operation));
      } catch (error) {
        record({ operation, status: 0, expected: false, detail: String(error) });
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, clientLoop));
  } finally {
    clearInterval(sampler);
    agent.destroy();
    await gateway.close();
    await simulator.close();
  }

  const seconds = (performance.now() - started) / 1000;
  printReport({ seconds, requests, counts, unexpected, samples });
}

function printReport(report: { seconds: number; requests: number; counts: Map<string, number>; unexpected: Outcome[]; samples: MemorySample[] }): void {
  const { seconds, requests, counts, unexpected, samples } = report;
  console.log(`\n${requests} requests in ${seconds.toFixed(1)} s (${(requests / seconds).toFixed(0)} per second)\n`);

  console.log("operation, status          count");
  for (const [key, count] of [...counts].sort(([left], [right]) => left.localeCompare(right))) {
    console.log(`${key.padEnd(26)}${String(count).padStart(8)}`);
  }

  console.log("\n  time   workerd RSS   requests so far");
  for (const sample of samples) {
    console.log(`${String(sample.second).padStart(5)} s ${(sample.rssKiB / 1024).toFixed(1).padStart(9)} MiB ${String(sample.requests).padStart(12)}`);
  }

  const measured = samples.filter((sample) => sample.second > WARMUP_SECONDS);
  const third = Math.floor(measured.length / 3);
  let memoryFlat = false;
  if (third === 0) {
    console.log(`\nmemory: ${measured.length} samples after the ${WARMUP_SECONDS} s warm-up; a verdict needs at least 3 (run for ${WARMUP_SECONDS + 30} s or more)`);
  } else {
    const firstMean = mean(measured.slice(0, third).map((sample) => sample.rssKiB));
    const lastMean = mean(measured.slice(-third).map((sample) => sample.rssKiB));
    const growth = (lastMean - firstMean) / firstMean;
    memoryFlat = growth <= MEMORY_TOLERANCE;
    console.log(
      `\nmemory after the ${WARMUP_SECONDS} s warm-up: first third ${(firstMean / 1024).toFixed(1)} MiB, last third ${(lastMean / 1024).toFixed(1)} MiB, ` +
        `growth ${(growth * 100).toFixed(1)} % (tolerance ${(MEMORY_TOLERANCE * 100).toFixed(0)} %)`,
    );
  }

  console.log(`unexpected errors: ${unexpected.length}`);
  for (const outcome of unexpected.slice(0, 20)) {
    console.log(`  ${outcome.operation} ${outcome.status} ${outcome.detail ?? ""}`);
  }

  const passed = unexpected.length === 0 && memoryFlat;
  console.log(`\nverdict: ${passed ? "PASS" : "FAIL"} (${unexpected.length === 0 ? "no unexpected errors" : "unexpected errors"}, memory ${memoryFlat ? "flat" : "not flat"})`);
  process.exitCode = passed ? 0 : 1;
}

await main();
