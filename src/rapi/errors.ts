import { dumpPythonJson } from "./python-json";

/**
 * Errors the gateway returns on the daemon's behalf, in ganeti-rapi's JSON
 * shape: {"code": N, "message": "...", "explain": "..."}.
 */

// The long phrases of Python's http.server, which ganeti-rapi puts in
// "explain", so a client cannot tell our errors from the daemon's.
const EXPLAIN: Readonly<Record<number, string>> = {
  400: "Bad request syntax or unsupported method",
  401: "No permission -- see authorization schemes",
  403: "Request forbidden -- authorization will not help",
  404: "Nothing matches the given URI",
  408: "Request timed out; try again later",
  413: "Entity is too large",
  414: "URI is too long",
  415: "Entity body in unsupported format",
  422: "The request was well-formed but contains semantic errors",
  429: 'The user has sent too many requests in a given amount of time ("rate limiting")',
  431: "The server refused this request because the request header fields are too large",
  500: "Server got itself in trouble",
  501: "Server does not support this operation",
  502: "Invalid responses from another server/proxy",
  503: "The server cannot process the request due to a high load",
  504: "The gateway server did not receive a timely response",
};

const REASON: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  413: "Request Entity Too Large",
  414: "Request-URI Too Long",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** Error statuses the gateway produces itself. */
export type RapiErrorStatus = 400 | 401 | 403 | 404 | 408 | 413 | 414 | 415 | 422 | 429 | 431 | 500 | 501 | 502 | 503 | 504;

/**
 * An error returned to the client. `message` goes on the wire and must never
 * carry internal detail; `detail` goes to the log only.
 */
export class RapiError extends Error {
  readonly status: RapiErrorStatus;
  readonly headers: Readonly<Record<string, string>>;
  readonly detail: string | undefined;

  constructor(status: RapiErrorStatus, message?: string, options: { headers?: Record<string, string>; detail?: string } = {}) {
    super(message ?? REASON[status] ?? "Error");
    this.name = "RapiError";
    this.status = status;
    this.headers = options.headers ?? {};
    this.detail = options.detail;
  }
}

/** Escapes text as Python's html.escape(text, quote=True) does. */
function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#x27;");
}

/**
 * Builds the daemon-shaped JSON body of an error. ganeti-rapi HTML-escapes
 * every message and writes the body with Python's json.dumps, and so does
 * this, so a message reads byte for byte as the daemon's would.
 */
export function rapiErrorBody(status: number, message?: string): string {
  const text = escapeHtml(message ?? REASON[status] ?? "Error");
  return dumpPythonJson({ code: status, message: text, explain: EXPLAIN[status] ?? "" });
}

/** Turns a RapiError into the response the client receives. */
export function rapiErrorResponse(error: RapiError): Response {
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "application/json");
  return new Response(rapiErrorBody(error.status, error.message), { status: error.status, headers });
}
