// What a resource handler gets for one request, and the small checks rlib2
// and baserlib apply to bodies and parameters, with their exact messages.

import { HttpError } from "./errors.ts";
import type { JobQueue } from "./jobs.ts";
import { isPyDict, pyTypeName } from "./py-json.ts";
import type { QueryArgs } from "./query-args.ts";
import type { RapiMethod, RapiResource } from "./resources.ts";
import type { ClusterState } from "./state.ts";

export interface HandlerContext {
  readonly method: RapiMethod;
  readonly resource: RapiResource;
  readonly params: Readonly<Record<string, string>>;
  readonly query: QueryArgs;
  /** Parsed JSON body; null when the request had none, like Python's None. */
  readonly body: unknown;
  readonly state: ClusterState;
  readonly jobs: JobQueue;
  readonly waitTimeoutMs: number;
  /** Aborted when the simulator shuts down, ending held /wait requests. */
  readonly shutdownSignal: AbortSignal;
}

/** Returns the value the daemon serializes as the response body, or throws HttpError. */
export type Handler = (context: HandlerContext) => unknown;

export type ResourceHandlers = Readonly<Partial<Record<RapiMethod, Handler>>>;

/** Returns a path parameter the route guarantees. */
export function param(context: HandlerContext, name: string): string {
  const value = context.params[name];
  if (value === undefined) {
    throw new Error(`route ${context.resource.pattern} has no parameter ${name}`);
  }
  return value;
}

/** Returns the TypeError text Python 3.11 gives for `value["name"]` on a non-dict body. */
function subscriptError(value: unknown): string {
  if (Array.isArray(value)) {
    return "list indices must be integers or slices, not str";
  }
  if (typeof value === "string") {
    return "string indices must be integers, not 'str'";
  }
  return `'${pyTypeName(value)}' object is not subscriptable`;
}

/**
 * Reads a body parameter like baserlib's getBodyParameter: a non-dict body
 * fails with Python's TypeError (a 500), a missing parameter without a
 * fallback with 400 "Required parameter '...' is missing".
 */
export function bodyParameter(body: unknown, name: string, ...fallback: [unknown?]): unknown {
  if (!isPyDict(body)) {
    throw new HttpError(500, subscriptError(body));
  }
  if (Object.hasOwn(body, name)) {
    return body[name];
  }
  if (fallback.length > 0) {
    return fallback[0];
  }
  throw new HttpError(400, `Required parameter '${name}' is missing`);
}

/** Raises baserlib.CheckType's 400 unless the value has the Python type `expected`. */
export function checkType(value: unknown, expected: "dict" | "list" | "str", description: string): void {
  if (pyTypeName(value) !== expected) {
    throw new HttpError(400, `${description}: Type is '${pyTypeName(value)}', but '${expected}' is expected`);
  }
}
