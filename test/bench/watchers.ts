/**
 * Benchmark: 1,000 clients watch one running job with `/wait`, first through
 * the gateway (Miniflare on loopback), then straight at the RAPI simulator
 * with its default limit of 20 connections, as ganeti-rapi has.
 *
 * Run it with `BENCH_ONLY=watchers npm run bench`.
 *
 * Each watcher loops as Ganeti's Python client does: it sends back the
 * `job_info` and highest log serial it got until the job is final. The
 * notification delay of a log entry is the time from the entry's timestamp
 * (the simulator's clock, in this process) to the moment a watcher has
 * parsed it. Meanwhile an unrelated `GET /2/info` is timed every 250 ms
 * through the same target, to show what other clients of the daemon see.
 * Everything listens on 127.0.0.1; the run takes about 35 s. WATCHERS=N
 * in the environment changes the number of watchers.
 */
import http from "node:http";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { launchGateway } from "../../src/cli/launch.ts";
import { startSimulatorOnThread } from "./simulator-thread.ts";
import { EDGE_USERS_FILE, UPSTREAM_USERS_FILE } from "../support/test-users.ts";
import { percentile } from "./load.ts";

const WATCHERS = Number(process.env.WATCHERS ?? 1000);
const JOB_STEPS = 5;
const JOB_STEP_MS = 2000;
const POLL_INTERVAL_MS = 1000;
const WAIT_TIMEOUT_MS = 10_000;
// Each run stops here, finished or not, and reports what was delivered by then.
const RUN_DEADLINE_MS = 45_000;
const PROBE_INTERVAL_MS = 250;

const EDGE_OPERATOR = `Basic ${Buffer.from("operator:operator-secret").toString("base64")}`;
const UPSTREAM_WRITER = `Basic ${Buffer.from("edge-writer:edge-writer-secret").toString("base64")}`;
const UPSTREAM_READER = `Basic ${Buffer.from("edge-reader:edge-reader-secret").toString("base64")}`;

type LogEntry = [number, [number, number], string, string];
interface WaitAnswer {
  job_info: unknown[];
  log_entries: LogEntry[];
}

interface WatchResult {
  readonly delaysMs: number[];
  finished: number;
  requests: number;
  readonly failures: Map<string, number>;
  elapsedMs: number;
  /** Latencies of the unrelated GET /2/info requests sent during the run. */
  readonly probeMs: number[];
}

const FINAL = new Set(["success", "error", "canceled"]);

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Sends GET /2/jobs/[id]/wait with a JSON body, which fetch cannot do. */
function sendWait(origin: string, jobId: number, body: string, authorization: string, agent: http.Agent): Promise<{ status: number; text: string }> {
  const url = new URL(`/2/jobs/${jobId}/wait`, origin);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "GET",
        agent,
        headers: { Authorization: authorization, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "User-Agent": "rapi-edge watchers benchmark" },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

async function watch(origin: string, authorization: string, jobId: number, deadline: number, agent: http.Agent, result: WatchResult): Promise<void> {
  let previousJobInfo: unknown[] | null = null;
  let previousLogSerial: number | null = null;

  while (nowMs() < deadline) {
    const body = JSON.stringify({ fields: ["status"], previous_job_info: previousJobInfo, previous_log_serial: previousLogSerial });
    let answer: { status: number; text: string };
    try {
      answer = await sendWait(origin, jobId, body, authorization, agent);
    } catch (error) {
      const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
      result.failures.set(reason, (result.failures.get(reason) ?? 0) + 1);
      return;
    }
    result.requests += 1;
    const received = nowMs();

    if (answer.status !== 200) {
      result.failures.set(`HTTP ${answer.status}`, (result.failures.get(`HTTP ${answer.status}`) ?? 0) + 1);
      return;
    }
    const parsed = JSON.parse(answer.text) as WaitAnswer | null;
    if (parsed === null) {
      continue;
    }

    // The first response carries the entries written before the watcher
    // started, so only entries it waited for count as notifications.
    for (const entry of parsed.log_entries) {
      if (previousJobInfo !== null) {
        const [seconds, microseconds] = entry[1];
        result.delaysMs.push(received - (seconds * 1000 + microseconds / 1000));
      }
      previousLogSerial = entry[0];
    }
    previousJobInfo = parsed.job_info;
    if (FINAL.has(String(parsed.job_info[0]))) {
      result.finished += 1;
      return;
    }
  }
}

/** Times `GET /2/info` every PROBE_INTERVAL_MS while the watchers run: what other clients of the daemon see. */
async function probeInfo(origin: string, authorization: string, running: () => boolean, latenciesMs: number[]): Promise<void> {
  while (running()) {
    const started = nowMs();
    try {
      const response = await fetch(`${origin}/2/info`, { headers: { Authorization: authorization }, signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      latenciesMs.push(nowMs() - started);
    } catch {
      latenciesMs.push(Number.POSITIVE_INFINITY);
    }
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
}

// Thread entry code runs in every thread that imports this module, so each
// thread checks that it was started for this role.
const WATCHERS_THREAD_ROLE = "watchers";

interface WatchJob {
  readonly origin: string;
  readonly authorization: string;
  readonly jobId: number;
  readonly deadlineMs: number;
}

/**
 * Runs the watchers on their own thread, so the clock that measures the
 * delays is not held up by the simulator and Miniflare in the main thread.
 */
function runWatchersOnThread(job: WatchJob): Promise<WatchResult> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL(import.meta.url), { workerData: { role: WATCHERS_THREAD_ROLE, job } });
    thread.once("message", (result: Omit<WatchResult, "failures"> & { failures: [string, number][] }) => resolve({ ...result, failures: new Map(result.failures) }));
    thread.once("error", reject);
  });
}

async function runWatchers(origin: string, authorization: string, jobId: number, deadlineMs: number): Promise<WatchResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const started = nowMs();
  const result: WatchResult = { delaysMs: [], finished: 0, requests: 0, failures: new Map(), elapsedMs: 0, probeMs: [] };
  const deadline = started + deadlineMs;

  let running = true;
  const probe = probeInfo(origin, authorization, () => running, result.probeMs);
  const watchers = Array.from({ length: WATCHERS }, () => watch(origin, authorization, jobId, deadline, agent, result));
  const timer = setTimeout(() => agent.destroy(), deadlineMs + 1000);
  await Promise.all(watchers);
  running = false;
  await probe;
  clearTimeout(timer);
  agent.destroy();
  return { ...result, elapsedMs: nowMs() - started };
}

/** Counts the requests the simulator received, leaving out the /2/info probes. */
async function simulatorJobTraffic(origin: string): Promise<number> {
  const response = await fetch(`${origin}/__simulator/stats`);
  const stats = (await response.json()) as { total: number; byRoute: Record<string, number> };
  return stats.total - (stats.byRoute["GET /2/info"] ?? 0);
}

async function startJob(origin: string): Promise<number> {
  const response = await fetch(`${origin}/__simulator/jobs`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ steps: JOB_STEPS, final: "success", stepMs: JOB_STEP_MS }),
  });
  const body = (await response.json()) as number | { id: number };
  return typeof body === "number" ? body : body.id;
}

function percentileOf(values: readonly number[], fraction: number): number {
  return percentile([...values].sort((left, right) => left - right), fraction);
}

function formatRow(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join("  ");
}

async function measure(label: string, simulatorOrigin: string, watchOrigin: string, authorization: string, deadlineMs: number): Promise<string[]> {
  const jobId = await startJob(simulatorOrigin);
  const before = await simulatorJobTraffic(simulatorOrigin);
  const result = await runWatchersOnThread({ origin: watchOrigin, authorization, jobId, deadlineMs });
  const upstream = (await simulatorJobTraffic(simulatorOrigin)) - before;

  const failures = [...result.failures].map(([reason, count]) => `${count}x ${reason}`).join(", ") || "none";
  return [
    label,
    `${(result.elapsedMs / 1000).toFixed(1)}`,
    `${result.finished}/${WATCHERS}`,
    `${result.requests}`,
    `${upstream}`,
    `${(upstream / (result.elapsedMs / 1000)).toFixed(1)}`,
    `${result.delaysMs.length}`,
    `${percentileOf(result.delaysMs, 0.5).toFixed(0)}`,
    `${percentileOf(result.delaysMs, 0.99).toFixed(0)}`,
    `${percentileOf(result.probeMs, 0.5).toFixed(0)}`,
    `${Math.max(...result.probeMs).toFixed(0)}`,
    failures,
  ];
}

/** Runs the watcher scenario through the gateway and straight to the simulator, and prints both. */
export async function runWatchersBenchmark(): Promise<void> {
  const simulator = await startSimulatorOnThread({ usersFile: UPSTREAM_USERS_FILE, requireAuth: true, jobStepMs: JOB_STEP_MS, waitTimeoutMs: WAIT_TIMEOUT_MS });
  const gateway = await launchGateway({
    upstreamUrl: simulator.url,
    usersFile: EDGE_USERS_FILE,
    vars: {
      UPSTREAM_READ_USER: "edge-reader",
      UPSTREAM_READ_PASSWORD: "edge-reader-secret",
      UPSTREAM_WRITE_USER: "edge-writer",
      UPSTREAM_WRITE_PASSWORD: "edge-writer-secret",
      JOB_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
      JOB_WAIT_TIMEOUT_MS: String(WAIT_TIMEOUT_MS),
      LOG_REQUESTS: process.env.LOG_REQUESTS ?? "all",
    },
  });

  try {
    // Warms the Worker bundle and the user cache so the first watchers do not pay for it.
    await fetch(`${gateway.url}/2/info`, { headers: { Authorization: EDGE_OPERATOR } });
    await fetch(`${simulator.url}/2/info`, { headers: { Authorization: UPSTREAM_READER } });

    const rows = [
      await measure("gateway (JobWatch)", simulator.url, gateway.url, EDGE_OPERATOR, RUN_DEADLINE_MS),
      await measure("simulator direct", simulator.url, simulator.url, UPSTREAM_WRITER, RUN_DEADLINE_MS),
    ];

    const header = ["target", "seconds", "finished", "waits", "upstream req", "upstream req/s", "notices", "delay p50 ms", "delay p99 ms", "/2/info p50 ms", "/2/info max ms", "failures"];
    const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((row) => row[index]?.length ?? 0)));
    console.log(`${WATCHERS} watchers on one job of ${JOB_STEPS} steps x ${JOB_STEP_MS} ms; gateway polls every ${POLL_INTERVAL_MS} ms; each run stops after ${RUN_DEADLINE_MS / 1000} s`);
    console.log(formatRow(header, widths));
    console.log(formatRow(header.map((cell) => "-".repeat(cell.length)), widths));
    for (const row of rows) {
      console.log(formatRow(row, widths));
    }
  } finally {
    await gateway.close();
    await simulator.close();
  }
}


const threadData = workerData as { role?: string; job: WatchJob } | null;
if (!isMainThread && parentPort !== null && threadData?.role === WATCHERS_THREAD_ROLE) {
  const job = threadData.job;
  const result = await runWatchers(job.origin, job.authorization, job.jobId, job.deadlineMs);
  parentPort.postMessage({ ...result, failures: [...result.failures] });
}
