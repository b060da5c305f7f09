// HTTP handling like the daemon's: paths, methods, Content-Type, header and
// body limits, stats and the bound on concurrent requests.

import { afterEach, describe, expect, it } from "vitest";

import { dumpPyJson, formatPyFloat, parsePyJson, PyFloat } from "./py-json.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "./server.ts";
import { ADMIN, TEST_USERS_FILE, buildRequest, parseReply, request, requestJson, sendRaw } from "./test-client.ts";

describe("py-json", () => {
  it("writes Python's separators and ensure_ascii escapes", () => {
    // Expected text printed by simplejson.dumps on Python 3.11.
    expect(dumpPyJson({ a: [1, new PyFloat(2.5), null, true, "é\u2028\u007f"] })).toBe('{"a": [1, 2.5, null, true, "\\u00e9\\u2028\\u007f"]}');
  });

  it.each([
    [1, "1.0"],
    [0.1, "0.1"],
    [1e20, "1e+20"],
    [1.5e-5, "1.5e-05"],
    [0.0001, "0.0001"],
    [1796413665.5693216, "1796413665.5693216"],
    [123456789012, "123456789012.0"],
    [1e16, "1e+16"],
    [-0.5, "-0.5"],
  ])("formats the float %d like Python's repr", (value, text) => {
    expect(formatPyFloat(value)).toBe(text);
  });

  it("keeps floats parsed from text apart from ints", () => {
    const value = parsePyJson('{"a": 1, "b": 1.0, "c": 2e0}') as Record<string, unknown>;
    expect(value.a).toBe(1);
    expect(value.b).toBeInstanceOf(PyFloat);
    expect(dumpPyJson(value)).toBe('{"a": 1, "b": 1.0, "c": 2.0}');
  });
});

describe("HTTP handling", () => {
  let simulator: Simulator | undefined;

  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });

  async function start(options: SimulatorOptions = {}): Promise<number> {
    simulator = await startSimulator({ usersFile: TEST_USERS_FILE, jobStepMs: 20, ...options });
    return simulator.port;
  }

  it.each(["HEAD", "PATCH", "OPTIONS"])("answers %s with 501 and the daemon's message", async (method) => {
    const port = await start();
    const reply = parseReply(await sendRaw(port, buildRequest(port, { method, path: "/2/info?bulk=1", auth: ADMIN })));
    expect(reply.status).toBe(501);
    // The daemon writes the error body even for HEAD.
    expect(JSON.parse(reply.body)).toEqual({
      code: 501,
      message: `Method ${method} is unsupported for path /2/info?bulk=1`,
      explain: "Server does not support this operation",
    });
  });

  it("answers a method the resource lacks with 501", async () => {
    const port = await start();
    const reply = await request(port, { method: "POST", path: "/2/info", auth: ADMIN, body: "{}" });
    expect(reply.status).toBe(501);
    expect(JSON.parse(reply.body).message).toBe("Method POST is unsupported for path /2/info");
  });

  it.each(["/2/%69nfo", "/2/info/", "/2//info", "/2/instances/a%2Fb", "/2/jobs/x1", "/2/instances/inst1/disk/a/grow"])(
    "answers %s with 404",
    async (path) => {
      const port = await start();
      expect((await request(port, { path, auth: ADMIN })).status).toBe(404);
    },
  );

  it("takes .. as an instance name", async () => {
    const port = await start();
    const job = (await requestJson(port, { path: "/2/instances/../info", auth: ADMIN })) as number;
    expect(Number.isInteger(job)).toBe(true);
    expect(simulator?.stats().byRoute["GET /2/instances/[instance]/info"]).toBe(1);
  });

  it.each([
    ["application/json; charset=utf-8", 415],
    ["text/plain", 415],
    ["APPLICATION/JSON", 200],
  ])("answers a body with Content-Type %s with %i", async (contentType, status) => {
    const port = await start();
    const reply = await request(port, { method: "PUT", path: "/2/tags?tag=a", auth: ADMIN, body: "{}", headers: { "Content-Type": contentType } });
    expect(reply.status).toBe(status);
  });

  it("answers a body without Content-Type with 415", async () => {
    const port = await start();
    const reply = await request(port, { method: "PUT", path: "/2/tags?tag=a", auth: ADMIN, body: "{}", json: false });
    expect(reply.status).toBe(415);
    expect(JSON.parse(reply.body).explain).toBe("Entity body in unsupported format");
  });

  it("skips the Content-Type check for an empty body", async () => {
    const port = await start();
    const reply = await request(port, { path: "/2/info", auth: ADMIN, headers: { "Content-Type": "text/plain" } });
    expect(reply.status).toBe(200);
  });

  it("answers an HTTP/1.1 request without Host with 400", async () => {
    const port = await start();
    const reply = parseReply(await sendRaw(port, "GET /version HTTP/1.1\r\nAccept: */*\r\n\r\n"));
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).message).toBe("Missing Host header");
  });

  it("answers HTTP/1.0 requests in HTTP/1.0", async () => {
    const port = await start({ requireAuth: false });
    const reply = parseReply(await sendRaw(port, "GET /version HTTP/1.0\r\nAccept: */*\r\n\r\n"));
    expect(reply.statusLine).toBe("HTTP/1.0 200 OK");
    expect(reply.body).toBe("2\n");
  });

  it("answers a malformed request line without headers, as HTTP/0.9", async () => {
    const port = await start();
    const reply = await sendRaw(port, "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n");
    const text = reply.raw.toString();
    expect(text.startsWith("HTTP/0.9 400 Bad Request\r\n\r\n")).toBe(true);
    expect(JSON.parse(text.split("\r\n\r\n")[1] ?? "").message).toBe("Bad request syntax (&#x27;GET /a b HTTP/1.1&#x27;)");
  });

  it("closes without a reply when headers exceed 4096 characters", async () => {
    const port = await start();
    const reply = await sendRaw(port, buildRequest(port, { path: "/2/info", auth: ADMIN, headers: { "X-Padding": "a".repeat(4100) } }));
    expect(reply.raw.length).toBe(0);
    expect(reply.ending).not.toBe("timeout");
    expect(simulator?.stats().requests.at(-1)?.headerBytes).toBeGreaterThan(4096);

    const fits = await request(port, { path: "/2/info", auth: ADMIN, headers: { "X-Padding": "a".repeat(3900) } });
    expect(fits.status).toBe(200);
  });

  it("records chunked requests and reads no chunked body", async () => {
    const port = await start();
    const head = `PUT /2/tags?tag=c HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from(ADMIN.join(":")).toString("base64")}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const reply = parseReply(await sendRaw(port, `${head}2\r\n{}\r\n0\r\n\r\n`));
    // The chunked body is ignored, so the wrong Content-Type does not matter.
    expect(reply.status).toBe(200);
    const recorded = simulator?.stats().requests.at(-1);
    expect(recorded?.chunked).toBe(true);
    expect(recorded?.body).toBe("");
  });

  it("waits for Content-Length in characters, so a multi-byte body is never complete", async () => {
    const port = await start({ readTimeoutMs: 300 });
    const raw = buildRequest(port, { method: "PUT", path: "/2/tags?tag=a", auth: ADMIN, body: '{"name": "é"}' });
    const reply = await sendRaw(port, raw, 3000);
    expect(reply.raw.length).toBe(0);
    expect(reply.ending).toBe("closed");

    const escaped = await request(port, { method: "PUT", path: "/2/tags?tag=a", auth: ADMIN, body: '{"name": "\\u00e9"}' });
    expect(escaped.status).toBe(200);
  });

  it("counts and records RAPI requests but not control requests", async () => {
    const port = await start();
    await request(port, { path: "/2/info", auth: ADMIN });
    await request(port, { path: "/2/jobs/7?x=1", auth: ADMIN, headers: { "X-Trace": "t1" } });
    await request(port, { path: "/2/jobs/8", auth: ADMIN });
    await request(port, { path: "/nowhere", auth: ADMIN });
    await request(port, { path: "/__simulator/stats" });

    const stats = (await requestJson(port, { path: "/__simulator/stats" })) as {
      total: number;
      byRoute: Record<string, number>;
      requests: { method: string; path: string; query: string; headers: Record<string, string>; headerBytes: number }[];
    };
    expect(stats.total).toBe(4);
    expect(stats.byRoute).toEqual({ "GET /2/info": 1, "GET /2/jobs/[job_id]": 2, "GET (no route)": 1 });
    const traced = stats.requests[1];
    expect(traced?.path).toBe("/2/jobs/7");
    expect(traced?.query).toBe("x=1");
    expect(traced?.headers["x-trace"]).toBe("t1");
    expect(traced?.headerBytes).toBe(Buffer.byteLength(buildRequest(port, { path: "/2/jobs/7?x=1", auth: ADMIN, headers: { "X-Trace": "t1" } })));

    expect((await request(port, { method: "POST", path: "/__simulator/reset" })).status).toBe(200);
    expect(simulator?.stats().total).toBe(0);
    await request(port, { path: "/2/info", auth: ADMIN });
    simulator?.resetStats();
    expect(simulator?.stats()).toEqual({ total: 0, byRoute: {}, requests: [] });
  });

  it("serves at most maxConnections requests at once and queues the rest", async () => {
    const port = await start({ maxConnections: 2, waitTimeoutMs: 600 });
    const job = simulator?.createJob({ steps: 1, stepMs: 10_000 }) ?? 0;
    const waitBody = JSON.stringify({ fields: ["status"], previous_job_info: ["queued"], previous_log_serial: null });
    const held = [1, 2].map(() => request(port, { path: `/2/jobs/${job}/wait`, auth: ADMIN, body: waitBody }));
    await new Promise((resolve) => setTimeout(resolve, 100));

    const started = Date.now();
    const info = await request(port, { path: "/2/info", auth: ADMIN });
    const elapsed = Date.now() - started;
    expect(info.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(400);
    await Promise.all(held);

    const quick = Date.now();
    await request(port, { path: "/2/info", auth: ADMIN });
    expect(Date.now() - quick).toBeLessThan(300);
  });
});
