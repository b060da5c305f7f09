// HTTP/1.x on the wire the way ganeti.http (3.0.2) reads and writes it.
// Request lines may have 8192 characters and header sections 4096. Bodies are
// read up to Content-Length counted in characters, never chunked, and
// responses carry the daemon's fixed header set.

import { HttpError, reasonPhrase } from "./errors.ts";

const START_LINE_LENGTH_MAX = 8192;
const HEADER_LENGTH_MAX = 4096;

export interface WireRequest {
  readonly method: string;
  /** Request target exactly as sent, query string included. */
  readonly target: string;
  /** `HTTP/1.1`, `HTTP/1.0`, ... or `HTTP/0.9` for a two-word request line. */
  readonly version: string;
  /** Header fields in order, names as sent. */
  readonly headers: readonly (readonly [string, string])[];
  /** Size in bytes of the request head, from the request line through the blank line. */
  readonly headerBytes: number;
  readonly body: string;
  readonly chunked: boolean;
}

export type ReadResult =
  | { readonly kind: "incomplete" }
  | { readonly kind: "request"; readonly request: WireRequest }
  /** A request line the daemon rejects; it responds without headers, as HTTP/0.9. */
  | { readonly kind: "reject"; readonly error: HttpError }
  /** The daemon closes without a reply (too long, undecodable or cut short). */
  | { readonly kind: "drop"; readonly reason: string; readonly request?: WireRequest };

/** Returns the first value of a header, by case-insensitive name, as Python's email.message does. */
export function headerValue(headers: WireRequest["headers"], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([fieldName]) => fieldName.toLowerCase() === lower)?.[1];
}

function parseStartLine(line: string): { method: string; target: string; version: string } {
  const words = line.trim().split(/\s+/);
  if (words.length === 3) {
    const [method = "", target = "", version = ""] = words;
    if (!version.startsWith("HTTP/")) {
      throw new HttpError(400, `Bad request version ('${version}')`);
    }
    const numbers = version.slice(5).split(".");
    if (numbers.length !== 2 || !numbers.every((part) => /^\s*[+-]?\d+\s*$/.test(part))) {
      throw new HttpError(400, `Bad request version ('${version}')`);
    }
    if (Number(numbers[0]) >= 2) {
      throw new HttpError(505, `Invalid HTTP Version (${version.slice(5)})`);
    }
    return { method, target, version };
  }
  if (words.length === 2) {
    const [method = "", target = ""] = words;
    if (method !== "GET") {
      throw new HttpError(400, `Bad HTTP/0.9 request type ('${method}')`);
    }
    return { method, target, version: "HTTP/0.9" };
  }
  throw new HttpError(400, `Bad request syntax ('${line}')`);
}

// email.feedparser's test for a header line; anything else ends the headers.
const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]*:/;

/** Splits a header section like Python's email parser with the compat32 policy. */
export function parseHeaderSection(section: string): [string, string][] {
  const headers: [string, string][] = [];
  for (const line of section.split(/\r\n|\r|\n/)) {
    if (line === "") {
      continue;
    }
    const last = headers.at(-1);
    if ((line.startsWith(" ") || line.startsWith("\t")) && last !== undefined) {
      last[1] = `${last[1]}\r\n${line}`;
      continue;
    }
    if (!HEADER_LINE.test(line)) {
      break;
    }
    const colon = line.indexOf(":");
    if (colon === 0) {
      continue;
    }
    headers.push([line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+/, "")]);
  }
  return headers;
}

function parseContentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*[+]?\d+\s*$/.test(value)) {
    return undefined;
  }
  return Number(value.trim());
}

/**
 * Reads one request from a connection's bytes. Like the daemon it decodes the
 * stream as UTF-8 and counts Content-Length in characters, so a body with
 * multi-byte characters never looks complete before the client closes.
 */
export class RequestReader {
  readonly #decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  #text = "";
  #ended = false;

  push(chunk: Uint8Array): ReadResult {
    try {
      this.#text += this.#decoder.decode(chunk, { stream: true });
    } catch {
      return { kind: "drop", reason: "request is not valid UTF-8" };
    }
    return this.#parse();
  }

  /** Reports the end of the client's stream. */
  end(): ReadResult {
    this.#ended = true;
    try {
      this.#text += this.#decoder.decode();
    } catch {
      return { kind: "drop", reason: "request is not valid UTF-8" };
    }
    return this.#parse();
  }

  #parse(): ReadResult {
    const text = this.#text.replace(/^(\r\n)+/, "");
    const lineEnd = text.indexOf("\r\n");
    if (lineEnd < 0) {
      if (text.length > START_LINE_LENGTH_MAX) {
        return { kind: "drop", reason: "request line too long" };
      }
      return this.#ended ? { kind: "drop", reason: "connection closed before the request line" } : { kind: "incomplete" };
    }

    const startLine = text.slice(0, lineEnd);
    if (startLine.length > START_LINE_LENGTH_MAX) {
      return { kind: "drop", reason: "request line too long" };
    }
    let parsed: ReturnType<typeof parseStartLine>;
    try {
      parsed = parseStartLine(startLine);
    } catch (error) {
      if (error instanceof HttpError) {
        return { kind: "reject", error };
      }
      throw error;
    }

    // The daemon looks for the blank line after the request line, so a
    // request without any header line never completes.
    const rest = text.slice(lineEnd + 2);
    const headersEnd = rest.indexOf("\r\n\r\n");
    if (headersEnd < 0) {
      if (rest.length > HEADER_LENGTH_MAX) {
        return { kind: "drop", reason: "headers too long" };
      }
      return this.#ended ? { kind: "drop", reason: "connection closed in the headers" } : { kind: "incomplete" };
    }

    const section = rest.slice(0, headersEnd + 2);
    const headers = parseHeaderSection(section);
    const head = `${startLine}\r\n${section}\r\n`;
    const contentLength = parseContentLength(headerValue(headers, "Content-Length"));
    const chunked = /chunked/i.test(headerValue(headers, "Transfer-Encoding") ?? "");
    const received = rest.slice(headersEnd + 4);
    const request: WireRequest = {
      ...parsed,
      headers,
      headerBytes: Buffer.byteLength(head),
      body: chunked && contentLength === undefined ? "" : received,
      chunked,
    };

    if (section.length > HEADER_LENGTH_MAX) {
      return { kind: "drop", reason: "headers too long", request };
    }
    if (contentLength !== undefined && received.length < contentLength && !this.#ended) {
      return { kind: "incomplete" };
    }
    return { kind: "request", request };
  }
}

/**
 * Formats a response as the daemon writes it: headers in the given order,
 * then Connection, Date, Server and Content-Length. An HTTP/0.9 response
 * carries a status line but no headers.
 */
export function formatResponse(
  version: string,
  status: number,
  headers: readonly (readonly [string, string])[],
  body: string,
): Buffer {
  const bodyBytes = Buffer.from(body, "utf8");
  const lines = [`${version} ${status} ${reasonPhrase(status)}`];
  if (version !== "HTTP/0.9") {
    const allHeaders: (readonly [string, string])[] = [
      ...headers,
      ["Connection", "close"],
      ["Date", new Date().toUTCString()],
      ["Server", "Ganeti 3.0.2"],
    ];
    if (bodyBytes.length > 0) {
      allHeaders.push(["Content-Length", String(bodyBytes.length)]);
    }
    lines.push(...allHeaders.map(([name, value]) => `${name}: ${value}`));
  }
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), bodyBytes]);
}
