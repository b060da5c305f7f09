// The RAPI simulator: a TCP server that responds like ganeti-rapi 3.0.2,
// plus control endpoints under /__simulator/ for tests.

import { type AddressInfo, type Server, type Socket, createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

import { readRequest, sendResponse } from "./connection.ts";
import { type TestJobOptions, answerControlRequest, isControlRequest, parseTestJobOptions } from "./control.ts";
import { FaultInjector, type FaultOptions, applyFault, parseFaultOptions } from "./faults.ts";
import type { WireRequest } from "./http-wire.ts";
import { JobQueue } from "./jobs.ts";
import { type RapiEnvironment, answerRapiRequest, routeKey } from "./rapi-pipeline.ts";
import { ClusterState } from "./state.ts";
import { type SimulatorStats, StatsRecorder } from "./stats.ts";
import { submitTestJob } from "./test-jobs.ts";
import { type RapiUser, parseUsersFile } from "./users-file.ts";
import { WorkerPool } from "./worker-pool.ts";

export type { RecordedRequest, SimulatorStats } from "./stats.ts";
export type { FaultMode, FaultOptions } from "./faults.ts";
export type { TestJobOptions } from "./control.ts";

export interface SimulatorOptions {
  /** TCP port; 0 picks any free port (the default). */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Users-file text in Ganeti's format; without it no login succeeds. */
  usersFile?: string;
  /** Require a login even for `any` resources, like Debian's --require-authentication; default true. */
  requireAuth?: boolean;
  /** Milliseconds between job state changes; default 500. */
  jobStepMs?: number;
  /** Maximum time /2/jobs/[id]/wait keeps a request open; default 10000 like the daemon. */
  waitTimeoutMs?: number;
  /** Requests served at once, like --max-clients; more are queued; default 20. */
  maxConnections?: number;
  /** Idle time allowed while reading a request before the connection is dropped; default 10000 like the daemon. */
  readTimeoutMs?: number;
}

export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:5080`. */
  url: string;
  port: number;
  stats(): SimulatorStats;
  resetStats(): void;
  close(): Promise<void>;
  /** Creates a test job (see POST /__simulator/jobs); returns its id. */
  createJob(options?: TestJobOptions): number;
  /** Replaces the active fault (see POST /__simulator/faults). */
  setFault(options: FaultOptions): void;
  /** Replaces the users file, as the daemon re-reads it when it changes. */
  setUsers(usersFileText: string): void;
}

function checkedDuration(name: string, value: number | undefined, fallback: number): number {
  const duration = value ?? fallback;
  if (!Number.isInteger(duration) || duration < 1) {
    throw new RangeError(`${name} must be a positive integer of milliseconds, got ${String(value)}`);
  }
  return duration;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? "127.0.0.1";
  const jobStepMs = checkedDuration("jobStepMs", options.jobStepMs, 500);
  const waitTimeoutMs = checkedDuration("waitTimeoutMs", options.waitTimeoutMs, 10_000);
  const readTimeoutMs = checkedDuration("readTimeoutMs", options.readTimeoutMs, 10_000);
  const pool = new WorkerPool(options.maxConnections ?? 20);

  const shutdown = new AbortController();
  const stats = new StatsRecorder();
  const faults = new FaultInjector();
  const jobs = new JobQueue(jobStepMs);
  let users: ReadonlyMap<string, RapiUser> = parseUsersFile(options.usersFile ?? "");
  const createJob = (jobOptions: TestJobOptions = {}): number =>
    submitTestJob(jobs, parseTestJobOptions(jobOptions), jobStepMs);

  const environment: RapiEnvironment = {
    state: new ClusterState(),
    jobs,
    users: () => users,
    requireAuth: options.requireAuth ?? true,
    waitTimeoutMs,
    shutdownSignal: shutdown.signal,
  };

  const serveRapi = async (request: WireRequest, socket: Socket): Promise<void> => {
    const fault = faults.take();
    if (fault !== undefined && fault.mode !== "slow") {
      await applyFault(fault, socket, shutdown.signal);
      return;
    }
    if (fault !== undefined) {
      await sleep(fault.delayMs, undefined, { signal: shutdown.signal }).catch(() => undefined);
    }
    sendResponse(socket, request.version, await answerRapiRequest(request, environment));
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    readRequest(socket, {
      readTimeoutMs,
      onDroppedRequest: (request) => stats.record(request, routeKey(request)),
      onRequest: (request, connection) => {
        if (isControlRequest(request)) {
          sendResponse(connection, request.version, answerControlRequest(request, { stats, faults, createJob }));
          return;
        }
        stats.record(request, routeKey(request));
        pool.run(() => serveRapi(request, connection)).catch((error: unknown) => {
          console.error("rapi simulator: request failed:", error);
          connection.destroy();
        });
      },
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    createJob,
    setFault: (fault) => faults.set(parseFaultOptions(fault)),
    setUsers: (text) => {
      users = parseUsersFile(text);
    },
    close: async () => {
      shutdown.abort();
      jobs.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) {
        socket.destroy();
      }
      await closed;
    },
  };
}
