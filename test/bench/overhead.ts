/**
 * Benchmark: the gateway against a bare pass-through Worker, both in workerd
 * under Miniflare, in front of the same upstream, in the same run. Prints
 * requests per second and p50/p99 latency of each, and the ratios.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { launchGateway, type LaunchedGateway } from "../../src/cli/launch.ts";
import type { LoadResult } from "./load.ts";
import { runLoadOnThread as runLoad } from "./load-thread.ts";

const PASS_THROUGH_WORKER = fileURLToPath(new URL("./passthrough-worker.ts", import.meta.url));
const CONCURRENCY = 16;
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
// A 1 KB JSON answer, about the size of a small RAPI read.
const UPSTREAM_BODY = JSON.stringify({ name: "cluster.ganeti.test", padding: "x".repeat(960) });

// Thread entry code runs in every thread that imports this module, so each
// thread checks that it was started for this role.
const UPSTREAM_THREAD_ROLE = "static-upstream";

/**
 * A fast upstream on loopback, on its own thread, so the figures show the
 * Workers rather than the daemon or the event loop Miniflare runs on.
 */
function startStaticUpstream(): Promise<{ url: string; close(): Promise<number> }> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL(import.meta.url), { workerData: { role: UPSTREAM_THREAD_ROLE } });
    thread.once("error", reject);
    thread.once("message", (url: string) => resolve({ url, close: () => thread.terminate() }));
  });
}

if (!isMainThread && parentPort !== null && (workerData as { role?: string } | null)?.role === UPSTREAM_THREAD_ROLE) {
  const server = createServer((_request, response) => {
    response.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(UPSTREAM_BODY) });
    response.end(UPSTREAM_BODY);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => parentPort?.postMessage(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function summarise(results: LoadResult[]): { rps: number; p50: number; p99: number; errors: number; requests: number } {
  return {
    rps: median(results.map((result) => result.requestsPerSecond)),
    p50: median(results.map((result) => result.p50Ms)),
    p99: median(results.map((result) => result.p99Ms)),
    errors: results.reduce((total, result) => total + result.errors, 0),
    requests: results.reduce((total, result) => total + result.requests, 0),
  };
}

export async function runOverheadBenchmark(): Promise<void> {
  const upstream = await startStaticUpstream();
  const upstreamUrl = upstream.url;
  const accounts = { UPSTREAM_READ_USER: "edge-reader", UPSTREAM_READ_PASSWORD: "edge-reader-secret" };

  const gateways: LaunchedGateway[] = [];
  try {
    const usersFile = "bench {cleartext}bench-secret read\n";
    const gateway = await launchGateway({ upstreamUrl, usersFile, vars: { ...accounts, USERS_CACHE_SECONDS: "30" } });
    gateways.push(gateway);
    const quietGateway = await launchGateway({ upstreamUrl, usersFile, vars: { ...accounts, USERS_CACHE_SECONDS: "30", LOG_REQUESTS: "errors" } });
    gateways.push(quietGateway);
    const passThrough = await launchGateway({ upstreamUrl, entryPoint: PASS_THROUGH_WORKER, vars: accounts });
    gateways.push(passThrough);

    const login = { Authorization: `Basic ${Buffer.from("bench:bench-secret").toString("base64")}` };
    const baselineName = "pass-through Worker";
    const targets = [
      { name: baselineName, url: `${passThrough.url}/2/info`, headers: {} },
      { name: "gateway, default settings", url: `${gateway.url}/2/info`, headers: login },
      { name: "gateway, LOG_REQUESTS=errors", url: `${quietGateway.url}/2/info`, headers: login },
    ];

    for (const target of targets) {
      await runLoad({ url: target.url, headers: target.headers, concurrency: CONCURRENCY, durationMs: 1000, expectStatus: 200 });
    }

    const results = new Map<string, LoadResult[]>(targets.map((target) => [target.name, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const target of targets) {
        const result = await runLoad({ url: target.url, headers: target.headers, concurrency: CONCURRENCY, durationMs: ROUND_MS, expectStatus: 200 });
        results.get(target.name)?.push(result);
      }
    }

    const baselineRounds = results.get(baselineName) ?? [];
    console.log(`\nGateway overhead: GET /2/info, 1 KB JSON upstream, ${CONCURRENCY} connections, ${ROUNDS} rounds of ${ROUND_MS / 1000} s per Worker (medians)`);
    console.log("| Worker | requests/s | p50 ms | p99 ms | requests | errors | throughput ratio | p50 ratio | p99 ratio |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const target of targets) {
      const rounds = results.get(target.name) ?? [];
      const summary = summarise(rounds);
      // Each round runs every Worker back to back, so a ratio per round
      // cancels the drift of a shared two-core machine; the median is shown.
      const pairedRatio = (pick: (result: LoadResult) => number) => median(rounds.map((result, index) => pick(result) / pick(baselineRounds[index] as LoadResult)));
      console.log(
        `| ${target.name} | ${summary.rps.toFixed(0)} | ${summary.p50.toFixed(2)} | ${summary.p99.toFixed(2)} | ${summary.requests} | ${summary.errors} | ${pairedRatio((result) => result.requestsPerSecond).toFixed(2)}x | ${pairedRatio((result) => result.p50Ms).toFixed(2)}x | ${pairedRatio((result) => result.p99Ms).toFixed(2)}x |`,
      );
    }
    console.log("ratios are against the pass-through Worker, median of paired rounds");
  } finally {
    for (const gateway of gateways) {
      await gateway.close();
    }
    await upstream.close();
  }
}
