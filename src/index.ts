import { Router, type IRequest } from "itty-router";
import { UserDirectory } from "./auth/user-directory";
import { loadConfig, type Env } from "./config";
import { checkRequest, forwardToUpstream, type RequestContext } from "./gateway";
import { parseTarget } from "./http/target";
import { logError, logInfo } from "./log";
import { RapiError, rapiErrorResponse } from "./rapi/errors";

/** Per-request state the router's stages share; kept apart from the Request. */
interface RequestState {
  readonly requestId: string;
  readonly started: number;
  readonly method: string;
  context: RequestContext | undefined;
  errorDetail: string | undefined;
}

// One user directory per isolate and KV binding, so its cache outlives a request.
const directories = new WeakMap<KVNamespace, UserDirectory>();

function userDirectory(env: Env, ttlMs: number): UserDirectory {
  let directory = directories.get(env.USERS);
  if (directory === undefined) {
    directory = new UserDirectory(env.USERS, ttlMs);
    directories.set(env.USERS, directory);
  }
  return directory;
}

async function handleRapiRequest(request: IRequest, env: Env, _ctx: ExecutionContext, state: RequestState): Promise<Response> {
  const config = loadConfig(env);
  const context: RequestContext = {
    config,
    users: userDirectory(env, config.usersCacheMs),
    requestId: state.requestId,
    now: Date.now(),
    log: {},
  };
  state.context = context;

  const target = parseTarget(request.url);
  const checked = await checkRequest(request as unknown as Request, target, context);
  return forwardToUpstream(checked, context);
}

function errorToResponse(error: unknown, _request: IRequest, _env: Env, _ctx: ExecutionContext, state: RequestState): Response {
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

function finishResponse(response: Response, request: IRequest, _env: Env, _ctx: ExecutionContext, state: RequestState): Response {
  const finished = new Response(response.body, response);
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
  logInfo("request", fields);
  if (state.method !== "GET" && finished.status < 400) {
    logInfo("audit", { requestId: state.requestId, user: fields.user, route: fields.route, status: finished.status });
  }
  return finished;
}

const router = Router<IRequest, [Env, ExecutionContext, RequestState], Response>({
  catch: errorToResponse,
  finally: [finishResponse],
});
router.all("*", handleRapiRequest);

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const state: RequestState = {
      requestId: crypto.randomUUID(),
      started: Date.now(),
      method: request.method,
      context: undefined,
      errorDetail: undefined,
    };
    return router.fetch(request, env, ctx, state);
  },
} satisfies ExportedHandler<Env>;
