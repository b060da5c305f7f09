// Errors as ganeti-rapi 3.0.2 sends them: a JSON object with the status
// code, the HTML-escaped message and Python's long phrase for the status
// (http.server.BaseHTTPRequestHandler.responses).

import { dumpPyJson } from "./py-json.ts";

/** Python 3.11's (reason phrase, explanation) for the statuses the daemon sends. */
export const STATUS_TEXTS: Readonly<Record<number, readonly [string, string]>> = {
  200: ["OK", "Request fulfilled, document follows"],
  400: ["Bad Request", "Bad request syntax or unsupported method"],
  401: ["Unauthorized", "No permission -- see authorization schemes"],
  403: ["Forbidden", "Request forbidden -- authorization will not help"],
  404: ["Not Found", "Nothing matches the given URI"],
  405: ["Method Not Allowed", "Specified method is invalid for this resource"],
  415: ["Unsupported Media Type", "Entity body in unsupported format"],
  500: ["Internal Server Error", "Server got itself in trouble"],
  501: ["Not Implemented", "Server does not support this operation"],
  502: ["Bad Gateway", "Invalid responses from another server/proxy"],
  503: ["Service Unavailable", "The server cannot process the request due to a high load"],
  504: ["Gateway Timeout", "The gateway server did not receive a timely response"],
  505: ["HTTP Version Not Supported", "Cannot fulfill request"],
};

/** An HTTP error raised while handling a request; turned into the daemon's error body. */
export class HttpError extends Error {
  readonly status: number;
  readonly detail: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, detail?: string, headers: Record<string, string> = {}) {
    super(detail ?? reasonPhrase(status));
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }
}

export function reasonPhrase(status: number): string {
  return STATUS_TEXTS[status]?.[0] ?? "";
}

/** Escapes like Python's html.escape(text, quote=True), which the daemon applies to every message. */
export function htmlEscape(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#x27;");
}

/** Builds the error body, newline included, as the daemon's FormatErrorMessage does. */
export function errorBody(status: number, detail?: string): string {
  const texts = STATUS_TEXTS[status];
  const message = detail ?? texts?.[0] ?? "Unknown";
  const body = { code: status, message: htmlEscape(message), explain: texts?.[1] ?? "Unknown" };
  return `${dumpPyJson(body)}\n`;
}

/**
 * Formats a Python exception's str() for an exception with these args, as
 * the daemon puts it into a 500 message: one arg prints as itself, several
 * print as the repr of the args tuple.
 */
export function pyExceptionText(args: readonly string[]): string {
  if (args.length === 1) {
    return args[0] ?? "";
  }
  return `(${args.map(pyStringRepr).join(", ")})`;
}

/** Returns Python's repr() of a str: single quotes unless the text has a single quote and no double quote. */
export function pyStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replaceAll("\\", "\\\\").replaceAll(quote, `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}
