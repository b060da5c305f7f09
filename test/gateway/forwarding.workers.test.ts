import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GATEWAY_TEST_VARS } from "../support/test-users";
import { basicAuth, expectRapiError, gatewayFetch, resetSimulator, seedEdgeUsers, setSimulatorFault, simulatorStats, simulatorUrl, type RecordedRequest } from "../support/workers-helpers";

const READ_ACCOUNT = basicAuth(`${GATEWAY_TEST_VARS.UPSTREAM_READ_USER}:${GATEWAY_TEST_VARS.UPSTREAM_READ_PASSWORD}`);
const WRITE_ACCOUNT = basicAuth(`${GATEWAY_TEST_VARS.UPSTREAM_WRITE_USER}:${GATEWAY_TEST_VARS.UPSTREAM_WRITE_PASSWORD}`);
// What the daemon may see of a request: nothing else of the client's passes.
// cf-worker is added by the runtime to every subrequest, as on Cloudflare.
const FORWARDED_HEADERS = new Set(["cf-worker", "host", "authorization", "accept", "content-type", "content-length", "user-agent", "x-request-id", "accept-encoding", "connection", "cf-access-client-id", "cf-access-client-secret"]);

async function lastUpstreamRequest(): Promise<RecordedRequest> {
  const { requests } = await simulatorStats();
  const last = requests.at(-1);
  if (last === undefined) {
    throw new Error("the simulator recorded no request");
  }
  return last;
}

async function upstreamCount(): Promise<number> {
  return (await simulatorStats()).total;
}

beforeAll(seedEdgeUsers);
beforeEach(resetSimulator);

describe("forwarding", () => {
  it("returns the daemon's status, Content-Type and body untouched", async () => {
    const direct = await fetch(`${simulatorUrl()}/2/info`, { headers: { Authorization: READ_ACCOUNT } });
    const directBody = await direct.text();

    const response = await gatewayFetch("/2/info", { as: "guest" });

    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe(direct.headers.get("Content-Type"));
    expect(await response.text()).toBe(directBody);
  });

  it("sends reads with the upstream read account and writes with the write account", async () => {
    await gatewayFetch("/2/tags", { as: "operator" });
    expect((await lastUpstreamRequest()).headers.authorization).toBe(READ_ACCOUNT);

    const write = await gatewayFetch("/2/tags?tag=edge-test", { as: "operator", method: "PUT" });
    expect(write.status).toBe(200);
    expect((await lastUpstreamRequest()).headers.authorization).toBe(WRITE_ACCOUNT);
  });

  it("forwards path and query byte for byte, repeated arguments in order", async () => {
    const query = "tag=b&tag=a&tag=b&dry-run=1&x=%2F%20";
    await gatewayFetch(`/2/tags?${query}`, { as: "operator", method: "DELETE" });

    const upstream = await lastUpstreamRequest();
    expect(upstream.method).toBe("DELETE");
    expect(upstream.path).toBe("/2/tags");
    expect(upstream.query).toBe(query);
  });

  it("passes only the minimal header set upstream", async () => {
    await gatewayFetch("/2/info", {
      as: "guest",
      headers: { Cookie: "session=secret", "X-Forwarded-For": "192.0.2.1", "X-Custom": "1", "User-Agent": "Ganeti RAPI Client" },
    });

    const upstream = await lastUpstreamRequest();
    const unexpected = Object.keys(upstream.headers).filter((name) => !FORWARDED_HEADERS.has(name));
    expect(unexpected).toEqual([]);
    expect(upstream.headers["user-agent"]).toBe("Ganeti RAPI Client");
    expect(upstream.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(upstream.headerBytes).toBeLessThan(1024);
  });

  it("returns the request id it sent upstream", async () => {
    const response = await gatewayFetch("/2/info", { as: "guest" });
    expect(response.headers.get("X-Request-Id")).toBe((await lastUpstreamRequest()).headers["x-request-id"]);
  });

  it("sends a body with Content-Length, never chunked", async () => {
    const body = JSON.stringify({ __version__: 1, mode: "create", name: "inst-fwd.ganeti.test", disk_template: "diskless", disks: [], nics: [{}], os_type: "noop" });
    const response = await gatewayFetch("/2/instances", { as: "operator", method: "POST", headers: { "Content-Type": "application/json; charset=UTF-8" }, body });
    expect(response.status).toBe(200);

    const upstream = await lastUpstreamRequest();
    expect(upstream.chunked).toBe(false);
    expect(upstream.headers["content-length"]).toBe(String(new TextEncoder().encode(body).byteLength));
    expect(upstream.headers["content-type"]).toBe("application/json");
    expect(upstream.body).toBe(body);
  });

  it("forwards a bare node role as a JSON string", async () => {
    for (const sent of ["drained", '["drained"]', '"drained"']) {
      const response = await gatewayFetch("/2/nodes/vm.ganeti.test/role", { as: "operator", method: "PUT", headers: { "Content-Type": "application/json" }, body: sent });
      expect(response.status, sent).toBe(200);
      expect((await lastUpstreamRequest()).body, sent).toBe('"drained"');
    }
  });

  it("accepts an empty body under any Content-Type, as the Python client sends", async () => {
    const response = await gatewayFetch("/2/info", { as: "guest", headers: { "Content-Type": "text/plain" } });
    expect(response.status).toBe(200);
    const upstream = await lastUpstreamRequest();
    expect(upstream.body).toBe("");
    expect(upstream.headers["content-type"]).toBeUndefined();
  });
});

describe("errors at the edge", () => {
  it("answers 404 for an unknown path without calling the daemon", async () => {
    const body = await expectRapiError(await gatewayFetch("/2/nosuch", { as: "operator" }), 404);
    expect(body).toEqual({ code: 404, message: "Not Found", explain: "Nothing matches the given URI" });
    expect(await upstreamCount()).toBe(0);
  });

  it.each(["/2/%69nfo", "/2/instances/%2e%2e%2finfo", "/2/instances/web%2e1", "/2/info/", "/2/instances/a%20b", "/2/instances/%2E"])("answers 404 for %s", async (path) => {
    await expectRapiError(await gatewayFetch(path, { as: "operator" }), 404);
    expect(await upstreamCount()).toBe(0);
  });

  it.each(["/2/instances/../info", "/2/instances/%2e%2e/info", "/2/instances/web1/./../../info"])("checks and forwards one and the same path for %s", async (path) => {
    // The URL parser resolves dot segments (also percent-encoded ones) before
    // the Worker sees the request, so what is checked is what is forwarded.
    const response = await gatewayFetch(path, { as: "guest" });
    expect(response.status).toBe(200);
    expect((await lastUpstreamRequest()).path).toBe("/2/info");
  });

  it("answers 501 for a method the resource lacks", async () => {
    const body = await expectRapiError(await gatewayFetch("/2/info", { as: "operator", method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }), 501);
    expect(body.message).toBe("Method POST is unsupported for path /2/info");
    expect(await upstreamCount()).toBe(0);
  });

  it("answers 401 with the RAPI challenge to a missing login", async () => {
    const response = await gatewayFetch("/2/info");
    expect(response.headers.get("WWW-Authenticate")).toBe('Basic realm="Ganeti Remote API"');
    expect(await expectRapiError(response, 401)).toEqual({ code: 401, message: "Unauthorized", explain: "No permission -- see authorization schemes" });
  });

  it("answers 401 to a wrong password", async () => {
    const response = await gatewayFetch("/2/info", { headers: { Authorization: basicAuth("operator:wrong") } });
    await expectRapiError(response, 401);
    expect(await upstreamCount()).toBe(0);
  });

  it("answers 400 to Basic without credentials", async () => {
    const body = await expectRapiError(await gatewayFetch("/2/info", { headers: { Authorization: "Basic" } }), 400);
    expect(body.message).toBe("Basic authentication requires credentials");
  });

  it("answers 403 to a read-only user on a write resource", async () => {
    const body = await expectRapiError(await gatewayFetch("/2/tags?tag=x", { as: "auditor", method: "PUT" }), 403);
    expect(body).toEqual({ code: 403, message: "Forbidden", explain: "Request forbidden -- authorization will not help" });
    expect(await upstreamCount()).toBe(0);
  });

  it("answers 403 to a user without options on a read resource", async () => {
    await expectRapiError(await gatewayFetch("/2/instances/x/console", { as: "guest" }), 403);
  });

  it("answers 415 to a body that is not JSON by Content-Type", async () => {
    const response = await gatewayFetch("/2/instances", { as: "operator", method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "a=1" });
    expect(await expectRapiError(response, 415)).toEqual({ code: 415, message: "Unsupported Media Type", explain: "Entity body in unsupported format" });
    expect(await upstreamCount()).toBe(0);
  });

  it("answers 400 to a body that is not JSON", async () => {
    const response = await gatewayFetch("/2/instances", { as: "operator", method: "POST", headers: { "Content-Type": "application/json" }, body: "{bad" });
    expect((await expectRapiError(response, 400)).message).toBe("Unable to parse JSON data");
    expect(await upstreamCount()).toBe(0);
  });

  it("answers 413 to a body over the cap", async () => {
    const body = `"${"x".repeat(1024 * 1024)}"`;
    const response = await gatewayFetch("/2/instances", { as: "operator", method: "POST", headers: { "Content-Type": "application/json" }, body });
    await expectRapiError(response, 413);
    expect(await upstreamCount()).toBe(0);
  });

  it("answers 414 to an overlong request target", async () => {
    await expectRapiError(await gatewayFetch(`/2/info?${"a".repeat(3000)}`, { as: "guest" }), 414);
    expect(await upstreamCount()).toBe(0);
  });

  it("answers 502 when the daemon closes without a reply", async () => {
    await setSimulatorFault({ mode: "close", count: 1 });
    const body = await expectRapiError(await gatewayFetch("/2/info", { as: "guest" }), 502);
    expect(body.message).toBe("Bad Gateway");
  });

  it("answers 504 when the daemon does not answer in time", async () => {
    await setSimulatorFault({ mode: "hang", count: 1 });
    const started = Date.now();
    await expectRapiError(await gatewayFetch("/2/info", { as: "guest" }), 504);
    expect(Date.now() - started).toBeLessThan(Number(GATEWAY_TEST_VARS.UPSTREAM_TIMEOUT_MS) + 2000);
  });
});

describe("error bodies", () => {
  it("HTML-escape the message and escape non-ASCII, as ganeti-rapi writes them", async () => {
    const response = await gatewayFetch("/2/nodes/vm.ganeti.test/role", { as: "operator", method: "PUT", headers: { "Content-Type": "application/json" }, body: "123" });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('{"code": 400, "message": "Body contents: Type is &#x27;int&#x27;, but &#x27;str&#x27; is expected", "explain": "Bad request syntax or unsupported method"}');
  });
});
