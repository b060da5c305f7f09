import { decideAccess, grants, WWW_AUTHENTICATE, type AccessDenial, type Identity } from "./auth/access";
import { parseAuthorization } from "./auth/basic";
import type { LoginCache } from "./auth/login-cache";
import type { UserDirectory } from "./auth/user-directory";
import type { Config } from "./config";
import { readBodyWithin, rejectDeclaredOversize } from "./http/read-body";
import { IDEMPOTENCY_KEY_HEADER } from "./idempotency/key";
import type { RequestTarget } from "./http/target";
import { normaliseBody, type NormalisedBody } from "./rapi/body";
import { RapiError } from "./rapi/errors";
import { matchRoute, type RouteMatch } from "./rapi/route";
import type { AccessLevel } from "./rapi/resources";
import { sendUpstream, type UpstreamResponse } from "./upstream/forward";

// The daemon reads at most 4096 bytes of request headers, request line
// included; a target under this leaves room for the headers we send.
export const MAX_TARGET_BYTES = 2048;

/** Everything one request carries through the stages. */
export interface RequestContext {
  readonly config: Config;
  readonly users: UserDirectory;
  readonly logins: LoginCache;
  readonly requestId: string;
  readonly now: number;
  /** Filled in by the stages, read by the log line. */
  readonly log: { user?: string; route?: string; upstreamMs?: number; reason?: string };
}

/** A request that passed every check at the edge, ready to dispatch. */
export interface CheckedRequest {
  readonly method: string;
  readonly target: RequestTarget;
  readonly route: Extract<RouteMatch, { kind: "found" }>;
  readonly access: AccessLevel;
  readonly identity: Identity;
  readonly body: NormalisedBody;
  readonly userAgent: string | null;
  /** The raw Idempotency-Key header, checked only where a write uses it. */
  readonly idempotencyKey: string | null;
}

/** Routes a request: 404 for an unknown path, 501 for a method it lacks. */
export function routeRequest(method: string, target: RequestTarget): Extract<RouteMatch, { kind: "found" }> {
  // The runtime serialises request URLs percent-encoded, so the target is
  // ASCII and its length is its size in bytes.
  if (target.raw.length > MAX_TARGET_BYTES) {
    throw new RapiError(414, undefined, { detail: `request target longer than ${MAX_TARGET_BYTES} bytes` });
  }
  const route = matchRoute(target.path, method);
  if (route.kind === "not-found") {
    throw new RapiError(404);
  }
  if (route.kind === "method-not-supported") {
    throw new RapiError(501, `Method ${method} is unsupported for path ${target.path}`);
  }
  return route;
}

function denialError(denial: AccessDenial): RapiError {
  switch (denial.status) {
    case 400:
      return new RapiError(400, "Basic authentication requires credentials", { detail: denial.reason });
    case 401:
      return new RapiError(401, undefined, { headers: { "WWW-Authenticate": WWW_AUTHENTICATE }, detail: denial.reason });
    case 403:
      return new RapiError(403, undefined, { detail: denial.reason });
  }
}

/** Decides who the caller is and whether the route's access level is granted. */
async function authenticate(authorization: string | null, level: AccessLevel, context: RequestContext): Promise<Identity> {
  const cached = authorization === null ? undefined : context.logins.find(authorization, context.now);
  if (cached !== undefined) {
    context.log.user = cached.name;
    if (!grants(cached.options, level)) {
      throw denialError({ status: 403, reason: "missing-option", username: cached.name });
    }
    return cached;
  }

  const credentials = parseAuthorization(authorization);
  if (credentials.kind === "basic") {
    context.log.user = credentials.username;
  }
  const decision = await decideAccess(level, context.config.requireAuth, credentials, (name) => context.users.find(name, context.now));
  if (!decision.allowed) {
    throw denialError(decision.denial);
  }
  if (authorization !== null && decision.identity.kind === "user") {
    context.logins.remember(authorization, decision.identity, context.now);
  }
  return decision.identity;
}

/** Runs route, size, authentication, access and body checks, in the daemon's order. */
export async function checkRequest(request: Request, target: RequestTarget, context: RequestContext): Promise<CheckedRequest> {
  const method = request.method.toUpperCase();
  const route = routeRequest(method, target);
  context.log.route = `${method} ${route.resource.path}`;

  rejectDeclaredOversize(request, context.config.maxBodyBytes);

  const identity = await authenticate(request.headers.get("Authorization"), route.access, context);

  const bytes = await readBodyWithin(request, context.config.maxBodyBytes);
  const body = normaliseBody(route, request.headers.get("Content-Type"), bytes);

  return {
    method,
    target,
    route,
    access: route.access,
    identity,
    body,
    userAgent: request.headers.get("User-Agent"),
    idempotencyKey: request.headers.get(IDEMPOTENCY_KEY_HEADER),
  };
}

/** Passes a checked request to the daemon and returns its response untouched. */
export async function forwardToUpstream(checked: CheckedRequest, context: RequestContext): Promise<Response> {
  // GET handlers other than /wait ignore a body, and fetch cannot send one on
  // a GET, so a (valid) body on a GET is dropped here.
  const sendsBody = checked.body.kind === "json" && checked.method !== "GET";
  const upstream = await sendUpstream(context.config, {
    method: checked.method,
    target: checked.target.raw,
    access: checked.access,
    body: sendsBody && checked.body.kind === "json" ? checked.body.text : undefined,
    requestId: context.requestId,
    userAgent: checked.userAgent,
  });
  context.log.upstreamMs = upstream.elapsedMs;
  return upstreamToResponse(upstream);
}

/**
 * Turns the daemon's response into the client's. A 401 or 403 from the daemon
 * means the gateway's own upstream account was refused, which the client
 * cannot fix, so it becomes a 502 instead of a prompt for credentials.
 */
export function upstreamToResponse(upstream: UpstreamResponse): Response {
  if (upstream.status === 401 || upstream.status === 403) {
    throw new RapiError(502, undefined, { detail: `upstream rejected the gateway's account with status ${upstream.status}; check UPSTREAM_READ_* and UPSTREAM_WRITE_*` });
  }
  if (upstream.status < 200 || upstream.status > 599) {
    throw new RapiError(502, undefined, { detail: `upstream returned the invalid status ${upstream.status}` });
  }
  // ganeti-rapi never redirects; a redirect comes from something in between,
  // such as an Access login page after a rejected service token.
  if (upstream.status >= 300 && upstream.status < 400) {
    throw new RapiError(502, undefined, { detail: `upstream redirected with status ${upstream.status}` });
  }
  const headers: Record<string, string> = upstream.contentType === null ? {} : { "Content-Type": upstream.contentType };
  const bodyless = upstream.status === 204 || upstream.status === 205 || upstream.status === 304;
  return new Response(bodyless ? null : upstream.body, { status: upstream.status, headers });
}
