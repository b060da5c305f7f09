import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startE2eStack, usesRealDaemon, type E2eStack } from "../support/e2e-stack.ts";

const run = promisify(execFile);

interface CurlResult {
  status: number;
  headers: string;
  body: string;
}

let stack: E2eStack;

/** Runs curl against the gateway; -k because the local certificate is self-signed. */
async function curl(path: string, ...args: string[]): Promise<CurlResult> {
  const { stdout } = await run("curl", ["-sk", "-D", "-", "-o", "-", "--max-time", "60", ...args, `${stack.gatewayUrl}${path}`]);
  const split = stdout.indexOf("\r\n\r\n");
  const headers = stdout.slice(0, split);
  const status = Number(/^HTTP\/[0-9.]+ ([0-9]{3})/.exec(headers)?.[1]);
  return { status, headers, body: stdout.slice(split + 4) };
}

beforeAll(async () => {
  stack = await startE2eStack({ https: true });
});

afterAll(async () => {
  await stack?.close();
});

describe("curl through the gateway", () => {
  it("reads the cluster info", async () => {
    const result = await curl("/2/info", "-u", "operator:operator-secret");
    expect(result.status).toBe(200);
    expect((JSON.parse(result.body) as { name: string }).name).toMatch(/\S/);
  });

  it("accepts a JSON body sent with a charset parameter", async () => {
    const result = await curl("/2/query/node", "-u", "auditor:auditor-secret", "-X", "PUT", "-H", "Content-Type: application/json; charset=utf-8", "--data", '{"fields": ["name"]}');
    expect(result.status).toBe(200);
    expect((JSON.parse(result.body) as { data: unknown[] }).data.length).toBeGreaterThan(0);
  });

  it.skipIf(usesRealDaemon())("sets a node role from the unquoted word", async () => {
    const nodes = JSON.parse((await curl("/2/nodes", "-u", "auditor:auditor-secret")).body) as { id: string }[];
    const node = nodes[0]?.id ?? "";
    const result = await curl(`/2/nodes/${node}/role`, "-u", "operator:operator-secret", "-X", "PUT", "-H", "Content-Type: application/json", "--data", "drained");
    expect(result.status).toBe(200);
    expect(result.body.trim()).toMatch(/^"?[0-9]+"?$/);
  });

  it("refuses a wrong password with the RAPI challenge", async () => {
    const result = await curl("/2/info", "-u", "operator:wrong");
    expect(result.status).toBe(401);
    expect(result.headers).toMatch(/^www-authenticate: Basic realm="Ganeti Remote API"$/im);
    expect(JSON.parse(result.body)).toEqual({ code: 401, message: "Unauthorized", explain: "No permission -- see authorization schemes" });
  });

  it("refuses a read-only user a write", async () => {
    const result = await curl("/2/tags?tag=curl-refused", "-u", "auditor:auditor-secret", "-X", "PUT");
    expect(result.status).toBe(403);
  });

  it("answers a form body with 415", async () => {
    const result = await curl("/2/instances", "-u", "operator:operator-secret", "--data", "name=web1");
    expect(result.status).toBe(415);
  });

  it("answers an unknown path with 404", async () => {
    const result = await curl("/2/nosuch", "-u", "operator:operator-secret");
    expect(result.status).toBe(404);
    expect(JSON.parse(result.body)).toEqual({ code: 404, message: "Not Found", explain: "Nothing matches the given URI" });
  });
});
