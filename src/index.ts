import { Router, type IRequest } from "itty-router";
import { LoginCache } from "./auth/login-cache";
import { UserDirectory } from "./auth/user-directory";
import { loadConfig, type Env } from "./config";
import { dispatchAtEdge } from "./dispatch";
import { checkRequest, forwardToUpstream, type RequestContext } from "./gateway";
import { parseTarget } from "./http/target";
import { logError, logInfo } from "./log";
import { RapiError, rapiErrorResponse } from "./rapi/errors";

/**
 * The part of a request the router reads. itty-router writes `query`, `params`
 * and `route` onto the object it routes; handing it this plain object keeps
 * the runtime's Request unmutated.
 */
interface RoutedRequest extends IRequest {
  readonly original: Request;
}

/** Per-request state the router's stages share. */
interface RequestState {
  readonly requestId: string;
  readonly started: number;
  readonly method: string;
  context: RequestContext | undefined;
  errorDetail: string | undefined;
}

interface UserCaches {
  readonly users: UserDirectory;
  readonly logins: LoginCache;
}

// One set of caches per isolate and KV binding, so they outlive a request.
const caches = new WeakMap<KVNamespace, UserCaches>();

function userCaches(env: Env, ttlMs: number): UserCaches {
  let found = caches.get(env.USERS);
  if (found === undefined) {
    found = { users: new UserDirectory(env.USERS, ttlMs), logins: new LoginCache(ttlMs) };
    caches.set(env.USERS, found);
  }
  return found;
}

async function handleRapiRequest(routed: RoutedRequest, env: Env, _ctx: ExecutionContext, state: RequestState): Promise<Response> {
  const config = loadConfig(env);
  const context: RequestContext = {
    config,
    ...userCaches(env, config.usersCacheMs),
    requestId: state.requestId,
    now: Date.now(),
    log: {},
  };
  state.context = context;

  const target = parseTarget(routed.original.url);
  const checked = await checkRequest(routed.original, target, context);
  return (await dispatchAtEdge(checked, context, env)) ?? (await forwardToUpstream(checked, context));
}

function errorToResponse(error: unknown, _routed: RoutedRequest, _env: Env, _ctx: ExecutionContext, state: RequestState): Response {
  if (error instanceof RapiError) {
    state.errorDetail = error.detail;
    return rapiErrorResponse(error);
  }
  // Anything else is a defect in the gateway; the client still gets RAPI's
  // shape and no internals, the log gets the stack.
  state.errorDetail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  logError("unexpected_error", { requestId: state.requestId, stack: error instanceof Error ? (error.stack ?? null) : null });
  return rapiErrorResponse(new RapiError(500));
}

function finishResponse(response: Response, _routed: RoutedRequest, _env: Env, _ctx: ExecutionContext, state: RequestState): Response {
  // Every response reaching here was built by the gateway, so its headers
  // are mutable and need no copy.
  const finished = response;
  finished.headers.set("X-Request-Id", state.requestId);

  const log = state.context?.log ?? {};
  const fields = {
    requestId: state.requestId,
    method: state.method,
    route: log.route ?? null,
    user: log.user ?? null,
    status: finished.status,
    upstreamMs: log.upstreamMs ?? null,
    durationMs: Date.now() - state.started,
    detail: state.errorDetail ?? null,
  };
  // Writes and errors are always logged; successful reads only when every
  // request is (the default).
  const isRoutineRead = state.method === "GET" && finished.status < 400;
  if (finished.status >= 500) {
    logError("request", fields);
  } else if (!isRoutineRead || state.context?.config.logRequests !== "errors") {
    logInfo("request", fields);
  }
  if (state.method !== "GET" && finished.status < 400) {
    logInfo("audit", { requestId: state.requestId, user: fields.user, route: fields.route, status: finished.status });
  }
  return finished;
}

const router = Router<RoutedRequest, [Env, ExecutionContext, RequestState], Response>({
  catch: errorToResponse,
  finally: [finishResponse],
});
router.all("*", handleRapiRequest);

export { WriteOnce } from "./idempotency/write-once";
export { JobWatch } from "./jobs/job-watch";

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const state: RequestState = {
      requestId: crypto.randomUUID(),
      started: Date.now(),
      method: request.method,
      context: undefined,
      errorDetail: undefined,
    };
    const routed = { method: request.method, url: request.url, original: request } as RoutedRequest;
    return router.fetch(routed, env, ctx, state);
  },
} satisfies ExportedHandler<Env>;
