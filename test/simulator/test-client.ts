// A raw HTTP/1.x client for the simulator's tests: it sends exactly the bytes
// a test builds (GET with a body, odd headers, oversized heads) and returns
// what came back before the server closed the connection.

import { connect } from "node:net";

export interface RawReply {
  /** Everything the server sent. */
  readonly raw: Buffer;
  /** How the connection ended: closed by the server, reset, or still open at the timeout. */
  readonly ending: "closed" | "reset" | "timeout";
}

export interface ParsedReply {
  readonly statusLine: string;
  readonly status: number;
  /** Header fields in order, names as sent. */
  readonly headerList: readonly (readonly [string, string])[];
  /** Header values by lower-cased name. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly ending: RawReply["ending"];
}

export interface RequestOptions {
  readonly method?: string;
  readonly path: string;
  /** Basic credentials as [user, password]. */
  readonly auth?: readonly [string, string];
  /** Extra header lines; a Host header is added unless one is given. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  /** Sets Content-Type: application/json when a body is given; default true. */
  readonly json?: boolean;
  readonly timeoutMs?: number;
}

/** Sends raw bytes to 127.0.0.1:port and collects the reply until the server closes. */
export function sendRaw(port: number, data: string | Buffer, timeoutMs = 5000, halfClose = false): Promise<RawReply> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: "127.0.0.1", port });
    let settled = false;
    const settle = (ending: RawReply["ending"]): void => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve({ raw: Buffer.concat(chunks), ending });
      }
    };
    const timer = setTimeout(() => settle("timeout"), timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => settle("closed"));
    socket.on("close", () => settle("closed"));
    socket.on("error", (error: NodeJS.ErrnoException) => settle(error.code === "ECONNRESET" ? "reset" : "closed"));
    socket.on("connect", () => {
      socket.write(data);
      if (halfClose) {
        socket.end();
      }
    });
  });
}

/** Splits a raw reply into status, headers and body. */
export function parseReply(reply: RawReply): ParsedReply {
  const text = reply.raw.toString("utf8");
  const headEnd = text.indexOf("\r\n\r\n");
  const head = headEnd < 0 ? text : text.slice(0, headEnd);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headerList = lines.map((line): [string, string] => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of headerList) {
    headers[name.toLowerCase()] ??= value;
  }
  return {
    statusLine,
    status: Number(statusLine.split(" ")[1]),
    headerList,
    headers,
    body: headEnd < 0 ? "" : text.slice(headEnd + 4),
    ending: reply.ending,
  };
}

/** Builds the bytes of a request: request line, Host, credentials, extra headers, Content-Length and body. */
export function buildRequest(port: number, options: RequestOptions): string {
  const lines = [`${options.method ?? "GET"} ${options.path} HTTP/1.1`];
  const headers: Record<string, string> = { Host: `127.0.0.1:${port}`, ...options.headers };
  if (options.auth !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(options.auth.join(":")).toString("base64")}`;
  }
  if (options.body !== undefined) {
    if (options.json !== false && !Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) {
      headers["Content-Type"] = "application/json";
    }
    headers["Content-Length"] = String(Buffer.byteLength(options.body));
  }
  for (const [name, value] of Object.entries(headers)) {
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join("\r\n")}\r\n\r\n${options.body ?? ""}`;
}

export async function request(port: number, options: RequestOptions): Promise<ParsedReply> {
  return parseReply(await sendRaw(port, buildRequest(port, options), options.timeoutMs));
}

/** Sends a request and parses the JSON body of a 200 reply; throws with the reply otherwise. */
export async function requestJson(port: number, options: RequestOptions): Promise<unknown> {
  const reply = await request(port, options);
  if (reply.status !== 200) {
    throw new Error(`${options.method ?? "GET"} ${options.path} answered ${reply.statusLine}: ${reply.body}`);
  }
  return JSON.parse(reply.body);
}

export const ADMIN: readonly [string, string] = ["admin", "admin-secret"];
export const READER: readonly [string, string] = ["reader", "reader-secret"];
export const NOBODY: readonly [string, string] = ["nobody", "nobody-secret"];

/** Users file of the tests: the same users as demo-users, in mixed password forms. */
export const TEST_USERS_FILE = [
  "# test users",
  "admin {HA1}f7992773da2df1a030414f2f49202fa1 write",
  "reader {cleartext}reader-secret read",
  "nobody {cleartext}nobody-secret",
].join("\n");

/** Polls a job until its status is final; returns the job. */
export async function waitForFinalJob(port: number, jobId: number, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await requestJson(port, { path: `/2/jobs/${jobId}`, auth: ADMIN })) as Record<string, unknown>;
    if (["success", "error", "canceled"].includes(String(job.status))) {
      return job;
    }
    if (Date.now() > deadline) {
      throw new Error(`job ${jobId} still ${String(job.status)} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
