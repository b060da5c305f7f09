// Counts and records the RAPI requests the simulator receives, so tests can
// check what a client or gateway actually sent upstream.

import type { WireRequest } from "./http-wire.ts";
import { splitTarget } from "./rapi-pipeline.ts";

export interface RecordedRequest {
  readonly method: string;
  /** Path as sent, without the query string. */
  readonly path: string;
  /** Query string without the `?`; empty when there was none. */
  readonly query: string;
  /** Header fields by lower-cased name; repeated fields are joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Size in bytes of the request head, from the request line through the blank line. */
  readonly headerBytes: number;
  /** Whether the request announced `Transfer-Encoding: chunked`. */
  readonly chunked: boolean;
}

export interface SimulatorStats {
  readonly total: number;
  /** Counts by "METHOD pattern", e.g. "GET /2/jobs/[job_id]". */
  readonly byRoute: Readonly<Record<string, number>>;
  readonly requests: readonly RecordedRequest[];
}

/** Oldest requests are dropped past this many. */
export const MAX_RECORDED_REQUESTS = 10_000;

export class StatsRecorder {
  #total = 0;
  #byRoute: Record<string, number> = {};
  #requests: RecordedRequest[] = [];

  record(request: WireRequest, routeKey: string): void {
    this.#total += 1;
    this.#byRoute[routeKey] = (this.#byRoute[routeKey] ?? 0) + 1;

    const headers: Record<string, string> = {};
    for (const [name] of request.headers) {
      const lower = name.toLowerCase();
      headers[lower] ??= request.headers
        .filter(([other]) => other.toLowerCase() === lower)
        .map(([, value]) => value)
        .join(", ");
    }
    const { path, query } = splitTarget(request.target);
    this.#requests.push({
      method: request.method,
      path,
      query,
      headers,
      body: request.body,
      headerBytes: request.headerBytes,
      chunked: request.chunked,
    });
    if (this.#requests.length > MAX_RECORDED_REQUESTS) {
      this.#requests.splice(0, this.#requests.length - MAX_RECORDED_REQUESTS);
    }
  }

  snapshot(): SimulatorStats {
    return { total: this.#total, byRoute: { ...this.#byRoute }, requests: [...this.#requests] };
  }

  reset(): void {
    this.#total = 0;
    this.#byRoute = {};
    this.#requests = [];
  }
}
