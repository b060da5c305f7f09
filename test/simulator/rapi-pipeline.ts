// One RAPI request through the daemon's stages, in its order: Host check,
// route (404), method (501), authentication and access (400/401/403),
// Content-Type (415), JSON body (400), then the resource handler.

import { type AccessLevel, authorizeRequest } from "./access.ts";
import { HttpError, errorBody } from "./errors.ts";
import type { HandlerContext } from "./handler-context.ts";
import { RESOURCE_HANDLERS } from "./handlers.ts";
import { type WireRequest, headerValue } from "./http-wire.ts";
import type { JobQueue } from "./jobs.ts";
import { dumpPyJson, parsePyJson } from "./py-json.ts";
import { parseQueryArgs } from "./query-args.ts";
import { type RapiMethod, matchRoute } from "./resources.ts";
import type { ClusterState } from "./state.ts";
import type { RapiUser } from "./users-file.ts";

export interface RapiResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

export interface RapiEnvironment {
  readonly state: ClusterState;
  readonly jobs: JobQueue;
  readonly users: () => ReadonlyMap<string, RapiUser>;
  readonly requireAuth: boolean;
  readonly waitTimeoutMs: number;
  readonly shutdownSignal: AbortSignal;
}

/** Splits a request target at the first `?`, as the daemon's resource mapper does. */
export function splitTarget(target: string): { path: string; query: string } {
  const mark = target.indexOf("?");
  return mark < 0 ? { path: target, query: "" } : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

/** Returns the stats key of a request: its method and resource pattern. */
export function routeKey(request: WireRequest): string {
  const match = matchRoute(splitTarget(request.target).path);
  return `${request.method.toUpperCase()} ${match?.resource.pattern ?? "(no route)"}`;
}

function errorResponse(error: HttpError): RapiResponse {
  return {
    status: error.status,
    headers: [["Content-Type", "application/json"], ...Object.entries(error.headers)],
    body: errorBody(error.status, error.detail),
  };
}

function parseBody(request: WireRequest): unknown {
  if (request.body === "") {
    return null;
  }
  // RFC 2616, 7.2.1: a body without Content-Type is application/octet-stream.
  const contentType = headerValue(request.headers, "Content-Type") ?? "application/octet-stream";
  if (contentType.toLowerCase() !== "application/json") {
    throw new HttpError(415);
  }
  try {
    return parsePyJson(request.body);
  } catch {
    throw new HttpError(400, "Unable to parse JSON data");
  }
}

async function handle(request: WireRequest, environment: RapiEnvironment): Promise<unknown> {
  // RFC 2616, 14.23: an HTTP/1.1 request without Host gets 400.
  if (request.version === "HTTP/1.1" && headerValue(request.headers, "Host") === undefined) {
    throw new HttpError(400, "Missing Host header");
  }

  const { path, query } = splitTarget(request.target);
  const match = matchRoute(path);
  if (match === undefined) {
    throw new HttpError(404);
  }
  const method = request.method.toUpperCase();
  const access: AccessLevel | undefined = match.resource.methods[method as RapiMethod];
  const handler = RESOURCE_HANDLERS[match.resource.pattern]?.[method as RapiMethod];
  if (access === undefined || handler === undefined) {
    throw new HttpError(501, `Method ${method} is unsupported for path ${request.target}`);
  }

  authorizeRequest({
    authorization: headerValue(request.headers, "Authorization"),
    access,
    requireAuth: environment.requireAuth,
    users: environment.users(),
  });

  const context: HandlerContext = {
    method: method as RapiMethod,
    resource: match.resource,
    params: match.params,
    query: parseQueryArgs(query),
    body: parseBody(request),
    state: environment.state,
    jobs: environment.jobs,
    waitTimeoutMs: environment.waitTimeoutMs,
    shutdownSignal: environment.shutdownSignal,
  };
  return handler(context);
}

/** Builds the response to one RAPI request; never throws. */
export async function answerRapiRequest(request: WireRequest, environment: RapiEnvironment): Promise<RapiResponse> {
  try {
    const result = await handle(request, environment);
    return { status: 200, headers: [["Content-Type", "application/json"]], body: `${dumpPyJson(result)}\n` };
  } catch (error) {
    if (error instanceof HttpError) {
      return errorResponse(error);
    }
    // The daemon turns any other exception into a 500 carrying its text.
    console.error("rapi simulator: handler failed:", error);
    return errorResponse(new HttpError(500, error instanceof Error ? error.message : String(error)));
  }
}
