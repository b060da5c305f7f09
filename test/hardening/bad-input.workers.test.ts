/**
 * Malformed, oversize and unusual requests, one table row each. Every row
 * states the status the gateway must return and whether the request may
 * reach the daemon. Before each row the simulator's request log is cleared,
 * so the row can check what the daemon received: nothing for a rejected
 * request, and for an accepted one a single request that ganeti-rapi 3.0
 * reads correctly.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { computeHa1 } from "../../src/auth/passwords";
import { userKey } from "../../src/auth/users-file";
import type { Env } from "../../src/config";
import worker from "../../src/index";
import { matchRoute } from "../../src/rapi/route";
import { basicAuth, EDGE_CREDENTIALS, expectRapiError, gatewayFetch, resetSimulator, seedEdgeUsers, simulatorStats, simulatorUrl, type RecordedRequest } from "../support/workers-helpers";

const ORIGIN = "https://rapi-edge.test";
const workerEnv = env as unknown as Env;
const KIB = 1024;
const MIB = 1024 * KIB;
// ganeti-rapi reads at most 4096 bytes of request head (request line and headers).
const DAEMON_HEAD_LIMIT = 4096;
// The gateway's MAX_BODY_BYTES in tests (wrangler.toml's default, 1 MiB).
const BODY_LIMIT = MIB;

const OPERATOR = basicAuth(EDGE_CREDENTIALS.operator);
const AUDITOR = basicAuth(EDGE_CREDENTIALS.auditor);
const NODE = "vm.ganeti.test";

// Users beyond the shared test users, for passwords the shared ones lack.
const COLON_USER = { name: "colon-user", password: "a:b:c" };
const SPACE_USER = { name: "space-user", password: "pass word" };
const LONG_PASSWORD_USER = { name: "long-password-user", password: "p".repeat(8 * KIB) };

/** A request as a client sends it, also one that the Fetch API cannot build. */
interface RequestShape {
  readonly method: string;
  readonly path: string;
  readonly headers?: HeadersInit;
  readonly body?: BodyInit;
}

type Expectation =
  /** Rejected at the edge with an error in RAPI's shape; nothing reaches the daemon. */
  | { readonly upstream: "none"; readonly status: number; readonly message?: string }
  /** Forwarded once; `status` is the daemon's response status, passed on. */
  | { readonly upstream: "forwarded"; readonly status: number; readonly check?: (forwarded: RecordedRequest) => void };

interface BadInputCase {
  readonly name: string;
  readonly send: () => Promise<Response>;
  readonly expected: Expectation;
  /** A response to HEAD, which workerd sends without its body. */
  readonly bodiless?: boolean;
}

/** Sends a request through the Worker's own fetch entry, as workerd delivers it. */
function sendRequest(shape: RequestShape): Promise<Response> {
  return gatewayFetch(shape.path, { method: shape.method, headers: shape.headers ?? {}, body: shape.body ?? null });
}

/**
 * Sends a request that the Fetch API will not build, as the plain fields the
 * gateway reads. workerd delivers a GET or HEAD with a body that a client
 * sends over HTTP. It answers a method it does not know with its own 501, so
 * the made-up methods here check that the gateway would reject one as well.
 */
async function sendShaped(shape: RequestShape): Promise<Response> {
  let body: ReadableStream<Uint8Array> | null = null;
  if (shape.body instanceof ReadableStream) {
    body = shape.body as ReadableStream<Uint8Array>;
  } else if (shape.body !== undefined) {
    body = new Request(ORIGIN, { method: "POST", body: shape.body }).body;
  }
  const request = { url: `${ORIGIN}${shape.path}`, method: shape.method, headers: new Headers(shape.headers ?? {}), body };

  const ctx = createExecutionContext();
  const response = await worker.fetch(request as unknown as Request, workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

function rejected(status: number, message?: string): Expectation {
  return message === undefined ? { upstream: "none", status } : { upstream: "none", status, message };
}

function forwarded(status: number, check?: (request: RecordedRequest) => void): Expectation {
  return check === undefined ? { upstream: "forwarded", status } : { upstream: "forwarded", status, check };
}

const NOT_JSON = "Unable to parse JSON data";
const BASIC_WITHOUT_CREDENTIALS = "Basic authentication requires credentials";

function unsupported(method: string, path: string): string {
  return `Method ${method} is unsupported for path ${path}`;
}

/** Base64 of raw bytes, for credentials that are not ASCII. */
function base64OfBytes(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function basicOfUtf8(credentials: string): string {
  return `Basic ${base64OfBytes(new TextEncoder().encode(credentials))}`;
}

function utf8ByteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/** Builds a stream of `total` bytes of `fill` in 64 KiB chunks and counts the bytes the reader pulled. */
function countingStream(total: number, fill = 0x20): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const chunk = new Uint8Array(64 * KIB).fill(fill);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const size = Math.min(chunk.byteLength, total - sent);
      sent += size;
      controller.enqueue(chunk.slice(0, size));
    },
  });
  return { stream, pulled: () => sent };
}

/** Builds a body stream that sends some JSON and then fails, as from a client that goes away mid-upload. */
function failingStream(): ReadableStream<Uint8Array> {
  let pulls = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls += 1;
      if (pulls === 1) {
        controller.enqueue(new TextEncoder().encode('{"name": "'));
        return;
      }
      controller.error(new Error("the client closed the connection"));
    },
  });
}

/** Checks a request the daemon received: one that ganeti-rapi 3.0 parses as the gateway meant it. */
function expectValidForwardedRequest(request: RecordedRequest): void {
  const route = matchRoute(request.path, request.method);
  expect(route.kind, `route of ${request.method} ${request.path}`).toBe("found");
  expect(request.chunked, "chunked transfer coding").toBe(false);
  expect(request.headers["transfer-encoding"], "Transfer-Encoding").toBeUndefined();
  expect(request.headerBytes, "request head size").toBeLessThan(DAEMON_HEAD_LIMIT);

  for (const [name, value] of Object.entries(request.headers)) {
    expect(value, `header ${name}`).toMatch(/^[\x20-\x7e]*$/);
  }

  if (request.body === "") {
    expect(request.headers["content-type"], "Content-Type of an empty body").toBeUndefined();
    return;
  }
  expect(request.method, "a GET never carries a body upstream").not.toBe("GET");
  expect(request.headers["content-type"], "Content-Type").toBe("application/json");
  expect(request.headers["content-length"], "Content-Length").toBe(String(utf8ByteLength(request.body)));
  expect(request.body, "body is ASCII").toMatch(/^[\x00-\x7f]*$/);
  expect(() => JSON.parse(request.body) as unknown, "body is JSON").not.toThrow();
}

async function expectRapiErrorShape(response: Response, status: number, message: string | undefined): Promise<void> {
  const body = await expectRapiError(response, status);
  if (message !== undefined) {
    expect(body.message).toBe(message);
  }
}

async function runCase(testCase: BadInputCase): Promise<void> {
  const response = await testCase.send();
  const { expected } = testCase;

  expect(response.status, "status").toBe(expected.status);
  expect(response.status, "the gateway never answers 500").not.toBe(500);
  if (testCase.bodiless === true) {
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(await response.text()).toBe("");
  } else if (response.status >= 400) {
    await expectRapiErrorShape(response, expected.status, expected.upstream === "none" ? expected.message : undefined);
  } else {
    await response.arrayBuffer();
  }

  const stats = await simulatorStats();
  if (expected.upstream === "none") {
    expect(stats.total, "requests that reached the daemon").toBe(0);
    return;
  }
  expect(stats.total, "requests that reached the daemon").toBe(1);
  const [request] = stats.requests;
  if (request === undefined) {
    throw new Error("the simulator counted a request but recorded none");
  }
  expectValidForwardedRequest(request);
  expected.check?.(request);
}

function get(path: string, headers: HeadersInit = { Authorization: OPERATOR }): () => Promise<Response> {
  return () => sendRequest({ method: "GET", path, headers });
}

function withAuthorization(authorization: string, path = "/2/info", method = "GET"): () => Promise<Response> {
  return () => sendRequest({ method, path, headers: { Authorization: authorization } });
}

/** Builds a PUT with a body, and with no Content-Type when `contentType` is null. */
function jsonPut(body: BodyInit, contentType: string | null = "application/json", path = "/2/tags?tag=hardening"): () => Promise<Response> {
  const headers: Record<string, string> = { Authorization: OPERATOR };
  if (contentType !== null) {
    headers["Content-Type"] = contentType;
  }
  return () => sendRequest({ method: "PUT", path, headers, body });
}

function expectBody(expected: unknown): (request: RecordedRequest) => void {
  return (request) => expect(JSON.parse(request.body) as unknown).toEqual(expected);
}

function expectTarget(path: string, query = ""): (request: RecordedRequest) => void {
  return (request) => {
    expect(request.path).toBe(path);
    expect(request.query).toBe(query);
  };
}

beforeAll(async () => {
  await seedEdgeUsers();
  await workerEnv.USERS.put(userKey(COLON_USER.name), JSON.stringify({ password: `{cleartext}${COLON_USER.password}`, options: ["read"] }));
  // A users file cannot hold a password with a space, but its HA1 can.
  await workerEnv.USERS.put(userKey(SPACE_USER.name), JSON.stringify({ password: `{HA1}${await computeHa1(SPACE_USER.name, SPACE_USER.password)}`, options: ["read"] }));
  await workerEnv.USERS.put(userKey(LONG_PASSWORD_USER.name), JSON.stringify({ password: LONG_PASSWORD_USER.password, options: ["write"] }));
});

beforeEach(resetSimulator);

describe("Authorization header", () => {
  const validToken = btoa(EDGE_CREDENTIALS.operator);
  const cases: BadInputCase[] = [
    { name: "Basic alone", send: withAuthorization("Basic"), expected: rejected(400, BASIC_WITHOUT_CREDENTIALS) },
    { name: "lower-case basic alone", send: withAuthorization("basic"), expected: rejected(400, BASIC_WITHOUT_CREDENTIALS) },
    { name: "Basic followed only by spaces", send: withAuthorization("BASIC    "), expected: rejected(400, BASIC_WITHOUT_CREDENTIALS) },
    { name: "Basic followed only by a tab", send: withAuthorization("Basic\t"), expected: rejected(400, BASIC_WITHOUT_CREDENTIALS) },
    { name: "Basic without credentials on a write", send: withAuthorization("Basic", "/2/tags?tag=x", "PUT"), expected: rejected(400, BASIC_WITHOUT_CREDENTIALS) },
    { name: "an empty header", send: withAuthorization(""), expected: rejected(401) },
    { name: "a header of spaces", send: withAuthorization("   "), expected: rejected(401) },
    { name: "the Bearer scheme", send: withAuthorization("Bearer abc.def.ghi"), expected: rejected(401) },
    { name: "the Digest scheme", send: withAuthorization('Digest username="operator", realm="Ganeti Remote API"'), expected: rejected(401) },
    { name: "the Negotiate scheme", send: withAuthorization("Negotiate YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ6i"), expected: rejected(401) },
    { name: "valid credentials under another scheme", send: withAuthorization(`Token ${validToken}`), expected: rejected(401) },
    { name: "credentials without a scheme", send: withAuthorization(validToken), expected: rejected(401) },
    { name: "a scheme glued to the credentials", send: withAuthorization(`Basic:${validToken}`), expected: rejected(401) },
    { name: "base64 of nothing but padding", send: withAuthorization("Basic ===="), expected: rejected(401) },
    { name: "characters outside base64 only", send: withAuthorization("Basic !!!!"), expected: rejected(401) },
    { name: "base64 cut short", send: withAuthorization(`Basic ${validToken.slice(0, -3)}`), expected: rejected(401) },
    { name: "base64 of a name without a colon", send: withAuthorization(`Basic ${btoa("operator")}`), expected: rejected(401) },
    { name: "base64 of a lone colon", send: withAuthorization(`Basic ${btoa(":")}`), expected: rejected(401) },
    { name: "an empty user name", send: withAuthorization(basicAuth(":operator-secret")), expected: rejected(401) },
    { name: "an empty password", send: withAuthorization(basicAuth("operator:")), expected: rejected(401) },
    { name: "a user name with a trailing space", send: withAuthorization(basicAuth("operator :operator-secret")), expected: rejected(401) },
    { name: "a user name in another case", send: withAuthorization(basicAuth("OPERATOR:operator-secret")), expected: rejected(401) },
    { name: "a password with a trailing newline", send: withAuthorization(basicAuth("operator:operator-secret\n")), expected: rejected(401) },
    { name: "a password with a tab inside", send: withAuthorization(basicAuth("operator:operator-\tsecret")), expected: rejected(401) },
    { name: "a NUL byte after the user name", send: withAuthorization(basicAuth("operator\u0000:operator-secret")), expected: rejected(401) },
    { name: "a NUL byte after the password", send: withAuthorization(basicAuth("operator:operator-secret\u0000")), expected: rejected(401) },
    { name: "credentials of control characters only", send: withAuthorization(basicAuth("\u0001\u0002:\u0003\u007f")), expected: rejected(401) },
    { name: "a user name in UTF-8", send: withAuthorization(basicOfUtf8("opérateur:operator-secret")), expected: rejected(401) },
    { name: "a password in UTF-8", send: withAuthorization(basicOfUtf8("operator:opérator-secret")), expected: rejected(401) },
    { name: "credentials in Latin-1", send: withAuthorization(`Basic ${base64OfBytes(new Uint8Array([0x6f, 0x70, 0xe9, 0x3a, 0x78]))}`), expected: rejected(401) },
    { name: "a non-ASCII character in the header", send: withAuthorization(`Basic ${validToken.slice(0, 8)}é${validToken.slice(8)}`), expected: rejected(401) },
    { name: "a character beyond Latin-1 in the header", send: withAuthorization(`Basic ☃${validToken}`), expected: rejected(401) },
    { name: "a password with colons, split at the first colon", send: withAuthorization(basicAuth(`${COLON_USER.name}:${COLON_USER.password}`)), expected: forwarded(200) },
    { name: "a password with colons cut at its second colon", send: withAuthorization(basicAuth(`${COLON_USER.name}:a:b`)), expected: rejected(401) },
    { name: "a password with colons and one colon more", send: withAuthorization(basicAuth(`${COLON_USER.name}:${COLON_USER.password}:`)), expected: rejected(401) },
    { name: "a password with a space", send: withAuthorization(basicAuth(`${SPACE_USER.name}:${SPACE_USER.password}`)), expected: forwarded(200) },
    { name: "a password with its space doubled", send: withAuthorization(basicAuth(`${SPACE_USER.name}:pass  word`)), expected: rejected(401) },
    { name: "a password with a leading space", send: withAuthorization(basicAuth(`${SPACE_USER.name}: ${SPACE_USER.password}`)), expected: rejected(401) },
    { name: "an 8 KiB correct password", send: withAuthorization(basicAuth(`${LONG_PASSWORD_USER.name}:${LONG_PASSWORD_USER.password}`), "/2/tags?tag=x", "PUT"), expected: forwarded(200) },
    { name: "an 8 KiB wrong password", send: withAuthorization(basicAuth(`operator:${"x".repeat(8 * KIB)}`)), expected: rejected(401) },
    { name: "a 64 KiB wrong password", send: withAuthorization(basicAuth(`operator:${"x".repeat(64 * KIB)}`)), expected: rejected(401) },
    { name: "an 8 KiB user name", send: withAuthorization(basicAuth(`${"u".repeat(8 * KIB)}:secret`)), expected: rejected(401) },
    { name: "a 64 KiB user name", send: withAuthorization(basicAuth(`${"u".repeat(64 * KIB)}:secret`)), expected: rejected(401) },
    { name: "a user name just past the users store's key limit", send: withAuthorization(basicAuth(`${"u".repeat(508)}:secret`)), expected: rejected(401) },
    { name: "an 8 KiB user name on a write", send: withAuthorization(basicAuth(`${"u".repeat(8 * KIB)}:secret`), "/2/tags?tag=x", "PUT"), expected: rejected(401) },
    { name: "an 8 KiB Bearer token", send: withAuthorization(`Bearer ${"t".repeat(8 * KIB)}`), expected: rejected(401) },
    { name: "a 64 KiB Bearer token", send: withAuthorization(`Bearer ${"t".repeat(64 * KIB)}`), expected: rejected(401) },
    { name: "64 KiB of base64 zeros", send: withAuthorization(`Basic ${"A".repeat(64 * KIB)}`), expected: rejected(401) },
    { name: "64 KiB of characters outside base64", send: withAuthorization(`Basic ${"!".repeat(64 * KIB)}`), expected: rejected(401) },
    { name: "8 KiB of tokens after the scheme", send: withAuthorization(`Basic ${"x ".repeat(4 * KIB)}`), expected: rejected(401) },
    // Python's base64.b64decode without validate=True skips characters
    // outside the alphabet, so the daemon accepts these credentials too.
    { name: "valid credentials with characters outside base64 mixed in", send: withAuthorization(`Basic ${validToken.slice(0, 8)}!*!${validToken.slice(8)}`), expected: forwarded(200) },
    { name: "valid credentials with a DEL character mixed in", send: withAuthorization(`Basic ${validToken}\u007f`), expected: forwarded(200) },
    { name: "valid credentials with a control character mixed in", send: withAuthorization(`Basic \u0001${validToken}`), expected: forwarded(200) },
    { name: "valid credentials padded with 8 KiB outside base64", send: withAuthorization(`Basic ${validToken}${"!".repeat(8 * KIB)}`), expected: forwarded(200) },
    { name: "valid credentials followed by another token", send: withAuthorization(`Basic ${validToken} trailing`), expected: forwarded(200) },
    { name: "valid credentials under an upper-case scheme", send: withAuthorization(`BASIC ${validToken}`), expected: forwarded(200) },
    { name: "valid credentials after a tab", send: withAuthorization(`Basic\t${validToken}`), expected: forwarded(200) },
    {
      name: "two headers, the first invalid",
      send: () => sendRequest({ method: "GET", path: "/2/info", headers: [["Authorization", basicAuth("operator:wrong")], ["Authorization", OPERATOR]] }),
      expected: rejected(401),
    },
    {
      // The second header's user never gains its access: only the first credentials count.
      name: "two headers, a read-only user first on a write",
      send: () => sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: [["Authorization", AUDITOR], ["Authorization", OPERATOR]] }),
      expected: rejected(403),
    },
    { name: "credentials of a read-only user on a write", send: withAuthorization(AUDITOR, "/2/tags?tag=x", "DELETE"), expected: rejected(403) },
  ];

  it.for(cases)("answers $expected.status to $name", runCase);

  it("challenges every 401 with the RAPI realm", async () => {
    const response = await sendRequest({ method: "GET", path: "/2/info", headers: { Authorization: `Bearer ${"t".repeat(8 * KIB)}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Basic realm="Ganeti Remote API"');
  });
});

describe("request path", () => {
  const cases: BadInputCase[] = [
    { name: "a percent-encoded version segment", send: get("/%32/info"), expected: rejected(404) },
    { name: "a percent-encoded question mark", send: get("/2/info%3Fbulk=1"), expected: rejected(404) },
    { name: "a percent-encoded slash in a name", send: get("/2/instances%2Finst1"), expected: rejected(404) },
    { name: "a percent-encoded job id", send: get("/2/jobs/%31"), expected: rejected(404) },
    { name: "a percent-encoded slash before wait", send: get("/2/jobs/1%2Fwait"), expected: rejected(404) },
    { name: "a percent-encoded NUL in a name", send: get("/2/instances/inst1%00"), expected: rejected(404) },
    { name: "a percent-encoded NUL as a name", send: get("/2/instances/%00"), expected: rejected(404) },
    { name: "a percent-encoded traversal in a name", send: get("/2/instances/inst1%2F..%2F..%2Finfo"), expected: rejected(404) },
    { name: "three percent-encoded dots", send: get("/2/instances/%2e%2e%2e"), expected: rejected(404) },
    { name: "a percent-encoded non-ASCII name", send: get("/2/instances/%C3%A9"), expected: rejected(404) },
    { name: "a raw non-ASCII name", send: get("/2/instances/é"), expected: rejected(404) },
    { name: "a percent-encoded space after the resource", send: get("/2/info%20"), expected: rejected(404) },
    { name: "a percent-encoded CR LF and header", send: get("/2/info%0d%0aX-Injected:%201"), expected: rejected(404) },
    { name: "a raw CR LF and header, which the URL parser drops", send: get("/2/info\r\nX-Injected: 1"), expected: rejected(404) },
    { name: "a raw control character", send: get("/2/in\u0001fo"), expected: rejected(404) },
    { name: "a semicolon parameter in a name", send: get("/2/instances/inst1;x=1"), expected: rejected(404) },
    { name: "a name of three dots", send: get("/2/instances/.../info"), expected: rejected(404) },
    { name: "a dot segment that climbs to /2/", send: get("/2/instances/.."), expected: rejected(404) },
    { name: "a dot segment left after the resource", send: get("/2/info/."), expected: rejected(404) },
    { name: "a dot segment that climbs out of a resource", send: get("/2/info/.."), expected: rejected(404) },
    { name: "an empty first segment", send: get("//2/info"), expected: rejected(404) },
    { name: "an empty middle segment", send: get("/2//info"), expected: rejected(404) },
    { name: "an upper-case resource", send: get("/2/INFO"), expected: rejected(404) },
    { name: "a capitalised collection", send: get("/2/Instances"), expected: rejected(404) },
    { name: "a negative job id", send: get("/2/jobs/-1"), expected: rejected(404) },
    { name: "a job id with a plus sign", send: get("/2/jobs/+1"), expected: rejected(404) },
    { name: "a decimal job id", send: get("/2/jobs/1.0"), expected: rejected(404) },
    { name: "a hexadecimal job id", send: get("/2/jobs/0x1f"), expected: rejected(404) },
    { name: "a job id in exponent form", send: get("/2/jobs/1e3"), expected: rejected(404) },
    { name: "a job id in Arabic-Indic digits", send: get("/2/jobs/١٢"), expected: rejected(404) },
    { name: "a disk index that is not a number", send: () => sendRequest({ method: "POST", path: "/2/instances/inst1/disk/x/grow", headers: { Authorization: OPERATOR } }), expected: rejected(404) },
    { name: "a negative disk index", send: () => sendRequest({ method: "POST", path: "/2/instances/inst1/disk/-1/grow", headers: { Authorization: OPERATOR } }), expected: rejected(404) },
    { name: "1000 segments", send: get(`/2/${"a/".repeat(1000)}`), expected: rejected(404) },
    { name: "a path one byte over the target limit", send: get(`/2/instances/${"a".repeat(2048 - "/2/instances/".length + 1)}`), expected: rejected(414) },
    { name: "a 64 KiB path", send: get(`/2/instances/${"a".repeat(64 * KIB)}`), expected: rejected(414) },
    { name: "an 8 KiB path of segments", send: get(`/2/${"a/".repeat(4 * KIB)}`), expected: rejected(414) },
    { name: "a long path before authentication", send: get(`/2/instances/${"a".repeat(8 * KIB)}`, {}), expected: rejected(414) },
    { name: "a dot segment before the resource", send: get(`/2/nodes/./${NODE}`), expected: forwarded(200, expectTarget(`/2/nodes/${NODE}`)) },
    { name: "dot segments above the root", send: get("/../../2/info"), expected: forwarded(200, expectTarget("/2/info")) },
    { name: "a backslash, which the URL parser reads as a slash", send: get("/2\\info"), expected: forwarded(200, expectTarget("/2/info")) },
    { name: "a tab inside the path, which the URL parser drops", send: get("/2/in\tfo"), expected: forwarded(200, expectTarget("/2/info")) },
    { name: "a fragment", send: get("/2/info#section"), expected: forwarded(200, expectTarget("/2/info")) },
    { name: "a name starting with a dot", send: get("/2/nodes/.hidden"), expected: forwarded(404, expectTarget("/2/nodes/.hidden")) },
    { name: "the root resource", send: get("/"), expected: forwarded(200, expectTarget("/")) },
    {
      name: "a name that fills the target limit",
      send: get(`/2/nodes/${"n".repeat(2048 - "/2/nodes/".length)}`, { Authorization: OPERATOR, "User-Agent": "u".repeat(4 * KIB) }),
      expected: forwarded(404, (request) => expect(request.path.length).toBe(2048)),
    },
  ];

  it.for(cases)("answers $expected.status to $name", runCase);

  const trailingSlashes = ["/2/instances/", "/2/nodes/", `/2/nodes/${NODE}/`, "/2/jobs/1/", "/2/jobs/1/wait/", "/version/", "/2/tags/", "/2/instances/inst1/info/", "/2/", "/2/query/instances/"];
  it.for(trailingSlashes)("answers 404 to the trailing slash of %s", (path) => runCase({ name: path, send: get(path), expected: rejected(404) }));
});

describe("query string", () => {
  const put = (query: string): (() => Promise<Response>) => () => sendRequest({ method: "PUT", path: `/2/tags?${query}`, headers: { Authorization: OPERATOR } });
  const cases: BadInputCase[] = [
    { name: "the same tag twice", send: put("tag=a&tag=a"), expected: forwarded(200, expectTarget("/2/tags", "tag=a&tag=a")) },
    { name: "empty tag values", send: put("tag=&tag="), expected: forwarded(200, expectTarget("/2/tags", "tag=&tag=")) },
    { name: "a name without a value", send: put("tag"), expected: forwarded(200, expectTarget("/2/tags", "tag")) },
    { name: "only separators", send: put("&&&"), expected: forwarded(200, expectTarget("/2/tags", "&&&")) },
    { name: "an empty name and value", send: put("="), expected: forwarded(200, expectTarget("/2/tags", "=")) },
    { name: "a value without a name", send: put("=x"), expected: forwarded(200, expectTarget("/2/tags", "=x")) },
    { name: "an empty pair between arguments", send: put("tag=a&&tag=b"), expected: forwarded(200, expectTarget("/2/tags", "tag=a&&tag=b")) },
    { name: "a question mark inside the query", send: put("tag=a?b"), expected: forwarded(200, expectTarget("/2/tags", "tag=a?b")) },
    { name: "an invalid percent-escape", send: put("tag=%zz"), expected: forwarded(200, expectTarget("/2/tags", "tag=%zz")) },
    { name: "a percent-encoded NUL", send: put("tag=a%00b"), expected: forwarded(200, expectTarget("/2/tags", "tag=a%00b")) },
    { name: "a raw non-ASCII value, sent percent-encoded", send: put("tag=é"), expected: forwarded(200, expectTarget("/2/tags", "tag=%C3%A9")) },
    { name: "a raw space and quote, sent percent-encoded", send: put("tag=a b'c"), expected: forwarded(200, expectTarget("/2/tags", "tag=a%20b%27c")) },
    { name: "a raw CR LF, which the URL parser drops", send: put("tag=a\r\nX-Injected: 1"), expected: forwarded(200, expectTarget("/2/tags", "tag=aX-Injected:%201")) },
    { name: "dry-run given twice", send: put("tag=a&dry-run=1&dry-run=0"), expected: forwarded(200, expectTarget("/2/tags", "tag=a&dry-run=1&dry-run=0")) },
    { name: "200 repeated tags", send: put(Array.from({ length: 200 }, (_, index) => `tag=t${index}`).join("&")), expected: forwarded(200, (request) => expect(request.query.split("&")).toHaveLength(200)) },
    { name: "an empty query after the question mark", send: get("/2/info?"), expected: forwarded(200, expectTarget("/2/info")) },
    { name: "bulk given twice", send: get("/2/nodes?bulk=1&bulk=0"), expected: forwarded(200, expectTarget("/2/nodes", "bulk=1&bulk=0")) },
    { name: "a bulk flag that is not a number", send: get("/2/nodes?bulk=yes"), expected: forwarded(400, expectTarget("/2/nodes", "bulk=yes")) },
    { name: "a query string one byte over the target limit", send: get(`/2/info?${"a".repeat(2048 - "/2/info?".length + 1)}`), expected: rejected(414) },
    { name: "a 64 KiB query string", send: get(`/2/info?tag=${"a".repeat(64 * KIB)}`), expected: rejected(414) },
    { name: "1000 repeated arguments", send: put("tag=a&".repeat(1000)), expected: rejected(414) },
    { name: "a query string that fills the target limit", send: put(`tag=${"q".repeat(2048 - "/2/tags?tag=".length)}`), expected: forwarded(200, (request) => expect(request.path.length + 1 + request.query.length).toBe(2048)) },
  ];

  it.for(cases)("answers $expected.status to $name", runCase);
});

describe("request body", () => {
  const invalidUtf8: [string, number[]][] = [
    ["a lone 0xFF byte", [0xff]],
    ["a lead byte without its continuation", [0x22, 0xc3, 0x28, 0x22]],
    ["an encoded surrogate", [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ["an overlong slash", [0x22, 0xc0, 0xaf, 0x22]],
    ["a code point past U+10FFFF", [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]],
    ["a sequence cut at the end", [0x22, 0xe2, 0x82]],
    ["a Latin-1 string inside an object", [...new TextEncoder().encode('{"name": "'), 0xe9, ...new TextEncoder().encode('"}')]],
    ["UTF-16 text with a byte order mark", [0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]],
  ];
  it.for(invalidUtf8)("answers 400 to invalid UTF-8: %s", ([name, bytes]) =>
    runCase({ name, send: jsonPut(new Uint8Array(bytes)), expected: rejected(400, NOT_JSON) }),
  );

  const invalidJson: [string, string][] = [
    ["an open brace", "{"],
    ["a close brace", "}"],
    ["an unquoted key", "{bad: 1}"],
    ["a trailing comma", "[1, 2,]"],
    ["single quotes", "{'a': 1}"],
    ["NaN", "NaN"],
    ["Infinity", "-Infinity"],
    ["undefined", "undefined"],
    ["text after the value", '{"a": 1} x'],
    ["a comment", "// comment\n{}"],
    ["a UTF-8 byte order mark", "\ufeff{}"],
    ["whitespace only", " \t\r\n "],
    ["a raw control character in a string", '{"a": "\u0001"}'],
    ["a leading zero", "01"],
    ["a bare decimal point", "1."],
    ["an unterminated string", '"unterminated'],
    ["a missing colon", '{"a" 1}'],
    ["10000 unclosed brackets", "[".repeat(10_000)],
    ["a misspelt literal", "tru"],
    ["an invalid escape", '"\\x41"'],
  ];
  it.for(invalidJson)("answers 400 to invalid JSON: %s", ([name, text]) => runCase({ name, send: jsonPut(text), expected: rejected(400, NOT_JSON) }));

  const deepList = `${"[".repeat(100)}${"]".repeat(100)}`;
  const validJson: [string, string][] = [
    ["non-ASCII text", JSON.stringify({ comment: "héllo ☃ 😀" })],
    ["line and paragraph separators", JSON.stringify({ comment: "a\u2028b\u2029c" })],
    ["a JSON null", "null"],
    ["a bare number", "3"],
    ["a bare string", '"x"'],
    ["an empty list", "[]"],
    ["duplicate keys", '{"a": 1, "a": 2}'],
    ["nesting 100 levels deep", deepList],
    ["surrounding whitespace", ' \r\n {"a": [1, 2]} \t'],
  ];
  it.for(validJson)("forwards valid JSON as ASCII: %s", ([name, text]) =>
    runCase({ name, send: jsonPut(text), expected: forwarded(200, expectBody(JSON.parse(text) as unknown)) }),
  );

  const cases: BadInputCase[] = [
    { name: "an escaped lone surrogate", send: jsonPut('"\\ud800"'), expected: forwarded(200, (request) => expect(request.body).toBe('"\\ud800"')) },
    { name: "a number too large for a double", send: jsonPut('{"n": 1e400}'), expected: forwarded(200, (request) => expect(request.body).toBe('{"n": 1e400}')) },
    {
      name: "a body that fills the size limit",
      send: jsonPut(`"${"x".repeat(BODY_LIMIT - 2)}"`),
      expected: forwarded(200, (request) => expect(request.body.length).toBe(BODY_LIMIT)),
    },
    { name: "a body one byte over the size limit", send: jsonPut(`"${"x".repeat(BODY_LIMIT - 1)}"`), expected: rejected(413) },
    {
      name: "a body that declares 2 GiB",
      send: () => sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Content-Type": "application/json", "Content-Length": String(2 * 1024 * MIB) }, body: "{}" }),
      expected: rejected(413),
    },
    {
      name: "an oversize declared body before authentication",
      send: () => sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: { "Content-Type": "application/json", "Content-Length": String(64 * MIB) }, body: "{}" }),
      expected: rejected(413),
    },
    {
      name: "a declared length smaller than the body",
      send: () => sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Content-Type": "application/json", "Content-Length": "1" }, body: '{"a": 1}' }),
      expected: forwarded(200, (request) => expect(request.headers["content-length"]).toBe("8")),
    },
    {
      name: "a declared length that is not a number",
      send: () => sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Content-Type": "application/json", "Content-Length": "lots" }, body: "{}" }),
      expected: forwarded(200),
    },
    {
      name: "a negative declared length",
      send: () => sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Content-Type": "application/json", "Content-Length": "-1" }, body: "{}" }),
      expected: forwarded(200),
    },
    {
      name: "a chunked Transfer-Encoding header from the client",
      send: () => sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Content-Type": "application/json", "Transfer-Encoding": "chunked" }, body: "[]" }),
      expected: forwarded(200),
    },
    {
      name: "a gzip-compressed body",
      send: async () => {
        const compressed = await new Response(new Blob(["{}"]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
        return sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Content-Type": "application/json", "Content-Encoding": "gzip" }, body: compressed });
      },
      expected: rejected(400, NOT_JSON),
    },
    {
      name: "a body stream that fails midway",
      send: () => sendShaped({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Content-Type": "application/json" }, body: failingStream() }),
      expected: rejected(400),
    },
    { name: "a body with no Content-Type", send: jsonPut(new TextEncoder().encode("{}"), null), expected: rejected(415) },
  ];
  it.for(cases)("answers $expected.status to $name", runCase);

  it.for([
    ["2 MiB", 2 * MIB],
    ["64 MiB", 64 * MIB],
  ] as const)("answers 413 to %s streamed without Content-Length, and stops reading", async ([name, size]) => {
    const { stream, pulled } = countingStream(size);
    await runCase({
      name,
      send: () => sendShaped({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Content-Type": "application/json" }, body: stream }),
      expected: rejected(413),
    });
    expect(pulled()).toBeLessThanOrEqual(BODY_LIMIT + 128 * KIB);
  });

  it("forwards a streamed body under the limit with a Content-Length", async () => {
    const text = JSON.stringify({ padding: "y".repeat(200 * KIB) });
    const stream = new Blob([text]).stream();
    await runCase({
      name: "streamed body",
      send: () => sendShaped({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Content-Type": "application/json" }, body: stream }),
      expected: forwarded(200, (request) => expect(request.body).toBe(text)),
    });
  });
});

describe("Content-Type", () => {
  const rejectedTypes = [
    "text/plain",
    "text/json",
    "application/x-json",
    "application/jsonp",
    "application/json-seq",
    "application/json-patch+json",
    "application/problem+json",
    "application/json; charset=latin1",
    "application/json; charset=utf-16",
    'application/json; charset="iso-8859-1"',
    "application/ json",
    "application/json, text/plain",
    "multipart/form-data; boundary=x",
    "*/*",
    "application/*",
    "",
  ];
  it.for(rejectedTypes)("answers 415 to a JSON body sent as %j", (contentType) => runCase({ name: contentType, send: jsonPut("{}", contentType), expected: rejected(415) }));

  const acceptedTypes = [
    "APPLICATION/JSON",
    "Application/Json; Charset=UTF-8",
    'application/json;charset="utf-8"',
    "application/json; charset=us-ascii",
    "application/json; version=1",
    `application/json; x=${"a".repeat(8 * KIB)}`,
  ];
  it.for(acceptedTypes)("forwards a JSON body sent as %j with exactly application/json", (contentType) =>
    runCase({ name: contentType, send: jsonPut("{}", contentType), expected: forwarded(200) }),
  );

  it("answers 415 to a body sent as two Content-Type headers", () =>
    runCase({
      name: "two Content-Type headers",
      send: () => sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: [["Authorization", OPERATOR], ["Content-Type", "application/json"], ["Content-Type", "application/json"]], body: "{}" }),
      expected: rejected(415),
    }),
  );
});

describe("methods and bodies", () => {
  const json = { "Content-Type": "application/json", Authorization: OPERATOR };
  const cases: BadInputCase[] = [
    { name: "HEAD on a resource", send: () => sendRequest({ method: "HEAD", path: "/2/info", headers: { Authorization: OPERATOR } }), expected: rejected(501), bodiless: true },
    { name: "HEAD on a resource, before workerd drops the body", send: () => sendShaped({ method: "HEAD", path: "/2/info", headers: { Authorization: OPERATOR } }), expected: rejected(501, unsupported("HEAD", "/2/info")) },
    { name: "OPTIONS on a resource", send: () => sendRequest({ method: "OPTIONS", path: "/2/info", headers: { Authorization: OPERATOR } }), expected: rejected(501, unsupported("OPTIONS", "/2/info")) },
    { name: "PATCH on a resource", send: () => sendRequest({ method: "PATCH", path: "/2/instances/inst1", headers: json, body: "{}" }), expected: rejected(501, unsupported("PATCH", "/2/instances/inst1")) },
    { name: "lower-case patch on a resource", send: () => sendRequest({ method: "patch", path: "/2/tags", headers: json, body: "{}" }), expected: rejected(501, unsupported("PATCH", "/2/tags")) },
    { name: "TRACE on a resource", send: () => sendRequest({ method: "TRACE", path: "/2/info", headers: { Authorization: OPERATOR } }), expected: rejected(501, unsupported("TRACE", "/2/info")) },
    { name: "PROPFIND on a resource", send: () => sendRequest({ method: "PROPFIND", path: "/2/info", headers: { Authorization: OPERATOR } }), expected: rejected(501, unsupported("PROPFIND", "/2/info")) },
    { name: "QUERY on a resource", send: () => sendRequest({ method: "QUERY", path: "/2/query/instances", headers: json, body: "{}" }), expected: rejected(501, unsupported("QUERY", "/2/query/instances")) },
    { name: "HEAD without credentials", send: () => sendShaped({ method: "HEAD", path: "/2/info" }), expected: rejected(501) },
    { name: "PATCH on an unknown path", send: () => sendRequest({ method: "PATCH", path: "/2/nosuch", headers: json, body: "{}" }), expected: rejected(404) },
    { name: "POST on a read-only resource", send: () => sendRequest({ method: "POST", path: "/2/tags", headers: json, body: "{}" }), expected: rejected(501, unsupported("POST", "/2/tags")) },
    { name: "a made-up method", send: () => sendShaped({ method: "BREW", path: "/2/info", headers: { Authorization: OPERATOR } }), expected: rejected(501, unsupported("BREW", "/2/info")) },
    { name: "a made-up method with a hyphen", send: () => sendShaped({ method: "M-SEARCH", path: "/2/info", headers: { Authorization: OPERATOR } }), expected: rejected(501) },
    { name: "a made-up method with a body", send: () => sendShaped({ method: "FROB", path: "/2/tags", headers: json, body: "{}" }), expected: rejected(501) },
    { name: "an empty method", send: () => sendShaped({ method: "", path: "/2/info", headers: { Authorization: OPERATOR } }), expected: rejected(501) },
    { name: "a JSON body on a GET, which is not sent on", send: () => sendShaped({ method: "GET", path: "/2/info", headers: json, body: '{"a": 1}' }), expected: forwarded(200, (request) => expect(request.body).toBe("")) },
    { name: "an invalid JSON body on a GET", send: () => sendShaped({ method: "GET", path: "/2/info", headers: json, body: "{" }), expected: rejected(400, NOT_JSON) },
    { name: "a text body on a GET", send: () => sendShaped({ method: "GET", path: "/2/info", headers: { Authorization: OPERATOR, "Content-Type": "text/plain" }, body: "hello" }), expected: rejected(415) },
    { name: "an oversize body on a GET", send: () => sendShaped({ method: "GET", path: "/2/info", headers: json, body: `"${"x".repeat(BODY_LIMIT)}"` }), expected: rejected(413) },
    { name: "a body on a HEAD", send: () => sendShaped({ method: "HEAD", path: "/2/info", headers: json, body: "{}" }), expected: rejected(501) },
    { name: "a JSON body on a DELETE", send: () => sendRequest({ method: "DELETE", path: "/2/tags?tag=never-set", headers: json, body: '{"reason": "ünused"}' }), expected: forwarded(200, expectBody({ reason: "ünused" })) },
    { name: "an invalid JSON body on a DELETE", send: () => sendRequest({ method: "DELETE", path: "/2/tags?tag=x", headers: json, body: "{" }), expected: rejected(400, NOT_JSON) },
    { name: "a text body on a DELETE", send: () => sendRequest({ method: "DELETE", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Content-Type": "text/plain" }, body: "x" }), expected: rejected(415) },
    { name: "a JSON body on a PUT", send: jsonPut('["ignored"]'), expected: forwarded(200, expectBody(["ignored"])) },
    {
      name: "a JSON body on a POST",
      send: () => sendRequest({ method: "POST", path: "/2/instances", headers: json, body: JSON.stringify({ __version__: 1, mode: "create", name: "inst-hardening.ganeti.test", disk_template: "diskless", disks: [], nics: [{}], os_type: "noop" }) }),
      expected: forwarded(200),
    },
    { name: "a node role as an unquoted word with spaces", send: () => sendRequest({ method: "PUT", path: `/2/nodes/${NODE}/role`, headers: json, body: "  drained \n" }), expected: forwarded(200, (request) => expect(request.body).toBe('"drained"')) },
    { name: "a node role that is an object", send: () => sendRequest({ method: "PUT", path: `/2/nodes/${NODE}/role`, headers: json, body: '{"role": "drained"}' }), expected: rejected(400) },
    { name: "a node role list of two", send: () => sendRequest({ method: "PUT", path: `/2/nodes/${NODE}/role`, headers: json, body: '["drained", "offline"]' }), expected: rejected(400) },
    { name: "a node role in invalid UTF-8", send: () => sendRequest({ method: "PUT", path: `/2/nodes/${NODE}/role`, headers: json, body: new Uint8Array([0x22, 0xff, 0x22]) }), expected: rejected(400, NOT_JSON) },
  ];
  it.for(cases)("answers $expected.status to $name", runCase);
});

describe("request headers", () => {
  const manyHeaders: [string, string][] = Array.from({ length: 200 }, (_, index) => [`X-Extra-${index}`, "v".repeat(100)]);
  const cases: BadInputCase[] = [
    { name: "200 extra headers of 100 bytes", send: get("/2/info", [["Authorization", OPERATOR], ...manyHeaders]), expected: forwarded(200) },
    { name: "a 64 KiB extra header", send: get("/2/info", { Authorization: OPERATOR, "X-Large": "l".repeat(64 * KIB) }), expected: forwarded(200, (request) => expect(request.headers["x-large"]).toBeUndefined()) },
    { name: "a 64 KiB cookie", send: get("/2/info", { Authorization: OPERATOR, Cookie: `session=${"c".repeat(64 * KIB)}` }), expected: forwarded(200, (request) => expect(request.headers.cookie).toBeUndefined()) },
    {
      name: "an 8 KiB User-Agent",
      send: get("/2/info", { Authorization: OPERATOR, "User-Agent": `Ganeti RAPI Client ${"u".repeat(8 * KIB)}` }),
      expected: forwarded(200, (request) => expect(request.headers["user-agent"]?.length).toBe(200)),
    },
    {
      name: "a User-Agent with non-ASCII characters",
      send: get("/2/info", { Authorization: OPERATOR, "User-Agent": "Clïent ☃ 😀/1.0" }),
      expected: forwarded(200, (request) => expect(request.headers["user-agent"]).toBe("Cl?ent ? ?/1.0")),
    },
    {
      name: "a User-Agent of 200 emoji",
      send: get("/2/info", { Authorization: OPERATOR, "User-Agent": "😀".repeat(200) }),
      expected: forwarded(200, (request) => expect(request.headers["user-agent"]).toBe("?".repeat(200))),
    },
    {
      name: "a User-Agent with control characters",
      send: get("/2/info", { Authorization: OPERATOR, "User-Agent": "client\u0001\u007f/1.0" }),
      expected: forwarded(200, (request) => expect(request.headers["user-agent"]).toBe("client??/1.0")),
    },
    {
      name: "an 8 KiB request id of the client's",
      send: get("/2/info", { Authorization: OPERATOR, "X-Request-Id": "r".repeat(8 * KIB) }),
      expected: forwarded(200, (request) => expect(request.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/)),
    },
    {
      name: "a Host header of the client's",
      send: get("/2/info", { Authorization: OPERATOR, Host: "other.example" }),
      expected: forwarded(200, (request) => expect(request.headers.host).toBe(new URL(simulatorUrl()).host)),
    },
    {
      name: "hop-by-hop and upgrade headers",
      send: get("/2/info", { Authorization: OPERATOR, Connection: "Upgrade, X-Extra", Upgrade: "websocket", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", Expect: "100-continue", TE: "trailers" }),
      expected: forwarded(200, (request) => {
        expect(request.headers.upgrade).toBeUndefined();
        expect(request.headers.expect).toBeUndefined();
      }),
    },
    { name: "an Accept for HTML", send: get("/2/info", { Authorization: OPERATOR, Accept: "text/html" }), expected: forwarded(200, (request) => expect(request.headers.accept).toBe("application/json")) },
    { name: "an 8 KiB Idempotency-Key on a write", send: () => sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Idempotency-Key": "k".repeat(8 * KIB) } }), expected: rejected(400) },
    { name: "an empty Idempotency-Key on a write", send: () => sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Idempotency-Key": "" } }), expected: rejected(400) },
    { name: "a non-ASCII Idempotency-Key on a write", send: () => sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Idempotency-Key": "clé-1" } }), expected: rejected(400) },
    { name: "a broken quoted Idempotency-Key on a write", send: () => sendRequest({ method: "PUT", path: "/2/tags?tag=x", headers: { Authorization: OPERATOR, "Idempotency-Key": '"a"b"' } }), expected: rejected(400) },
    { name: "an 8 KiB Idempotency-Key on a read, which is ignored", send: get("/2/info", { Authorization: OPERATOR, "Idempotency-Key": "k".repeat(8 * KIB) }), expected: forwarded(200) },
  ];
  it.for(cases)("answers $expected.status to $name", runCase);
});
