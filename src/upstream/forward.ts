import type { Config, UpstreamAccount } from "../config";
import type { AccessLevel } from "../rapi/resources";
import { RapiError } from "../rapi/errors";

/** A request as it leaves for the daemon: the same method, path and query. */
export interface UpstreamRequest {
  readonly method: string;
  /** Path and query exactly as the client sent them, e.g. `/2/tags?tag=a&tag=b`. */
  readonly target: string;
  readonly access: AccessLevel;
  /** JSON text to send, or undefined for no body. */
  readonly body: string | undefined;
  readonly requestId: string;
  readonly userAgent: string | null;
}

/** The daemon's response, read in full so a truncated one is caught here. */
export interface UpstreamResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: ArrayBuffer;
  readonly elapsedMs: number;
}

// The daemon reads at most 4096 bytes of request headers. User-Agent is the
// one client-controlled header passed on, so it is cut short.
const MAX_USER_AGENT_LENGTH = 200;

// A field value may hold no control characters (RFC 9110, section 5.5), and
// workerd sends any other non-ASCII character as multi-byte UTF-8. Each
// character outside printable ASCII becomes "?", so the header is valid and
// at most MAX_USER_AGENT_LENGTH bytes long.
const OUTSIDE_PRINTABLE_ASCII = /[^\x20-\x7e]/gu;

// Header values per account object, computed once per isolate.
const authorizations = new WeakMap<UpstreamAccount, string>();

function basicAuthorization(account: UpstreamAccount): string {
  let value = authorizations.get(account);
  if (value === undefined) {
    const bytes = new TextEncoder().encode(`${account.user}:${account.password}`);
    value = `Basic ${btoa(String.fromCharCode(...bytes))}`;
    authorizations.set(account, value);
  }
  return value;
}

/** Builds the minimal header set the daemon gets; nothing else of the client's passes. */
export function upstreamHeaders(config: Config, request: UpstreamRequest): Record<string, string> {
  // A plain record: the runtime copies it once, where a Headers object would
  // cost a call into the runtime for every header.
  const headers: Record<string, string> = { Accept: "application/json", "X-Request-Id": request.requestId };

  const account = request.access === "write" ? config.upstreamWrite : config.upstreamRead;
  if (account !== undefined) {
    headers.Authorization = basicAuthorization(account);
  }
  if (request.body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  if (request.userAgent !== null) {
    headers["User-Agent"] = request.userAgent.replace(OUTSIDE_PRINTABLE_ASCII, "?").slice(0, MAX_USER_AGENT_LENGTH);
  }
  if (config.accessServiceToken !== undefined) {
    headers["CF-Access-Client-Id"] = config.accessServiceToken.clientId;
    headers["CF-Access-Client-Secret"] = config.accessServiceToken.clientSecret;
  }
  return headers;
}

/**
 * Sends one request to the daemon, never more, so a write is not retried.
 * An unreachable daemon or a broken response is 502, and no complete
 * response within the timeout is 504. The cause goes to the log only.
 */
export async function sendUpstream(config: Config, request: UpstreamRequest): Promise<UpstreamResponse> {
  const started = Date.now();
  const signal = AbortSignal.timeout(config.upstreamTimeoutMs);
  const init: RequestInit = { method: request.method, headers: upstreamHeaders(config, request), signal, redirect: "manual" };
  if (request.body !== undefined) {
    init.body = request.body;
  }

  try {
    const response = await fetch(`${config.upstreamOrigin}${request.target}`, init);
    const body = await response.arrayBuffer();
    return { status: response.status, contentType: response.headers.get("Content-Type"), body, elapsedMs: Date.now() - started };
  } catch (error) {
    if (signal.aborted) {
      throw new RapiError(504, undefined, { detail: `upstream response timed out after ${config.upstreamTimeoutMs} ms` });
    }
    throw new RapiError(502, undefined, { detail: `upstream request failed: ${String(error)}` });
  }
}
