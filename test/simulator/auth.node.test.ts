// Users file, Basic credentials and access levels, as ganeti-rapi 3.0.2 applies them.

import { afterEach, describe, expect, it } from "vitest";

import { computeHa1, decodePythonBase64, parseAuthorization, verifyPassword } from "./basic-auth.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "./server.ts";
import { ADMIN, NOBODY, READER, TEST_USERS_FILE, request } from "./test-client.ts";
import { parseUsersFile } from "./users-file.ts";

describe("parseUsersFile", () => {
  it("reads names, passwords and comma-separated options", () => {
    const users = parseUsersFile("jack abc123\nfred {cleartext}foo555 read\nauto xyz789 write, read ,\n");
    expect(users.get("jack")).toEqual({ name: "jack", password: "abc123", options: [] });
    expect(users.get("fred")?.options).toEqual(["read"]);
    expect(users.get("auto")?.options).toEqual(["write", "read", ""]);
  });

  it("skips comments, blank lines and lines with one field", () => {
    const users = parseUsersFile("# admin secret write\n\n   \nlonely\n  # indented comment\nreal pw\n");
    expect([...users.keys()]).toEqual(["real"]);
  });

  it("keeps the last line for a repeated name", () => {
    expect(parseUsersFile("a one write\na two\n").get("a")).toEqual({ name: "a", password: "two", options: [] });
  });

  it("splits lines on CR LF and lone CR", () => {
    expect([...parseUsersFile("a x\r\nb y\rc z").keys()]).toEqual(["a", "b", "c"]);
  });
});

describe("verifyPassword", () => {
  it("accepts cleartext with and without the scheme prefix", () => {
    expect(verifyPassword("u", "secret", "secret")).toBe(true);
    expect(verifyPassword("u", "secret", "{cleartext}secret")).toBe(true);
    expect(verifyPassword("u", "secret", "{CleartEXT}secret")).toBe(true);
    expect(verifyPassword("u", "other", "{cleartext}secret")).toBe(false);
  });

  it("checks HA1 digests case-insensitively", () => {
    // echo -n 'jack:Ganeti Remote API:abc123' | md5sum
    expect(computeHa1("jack", "abc123")).toBe("54c12257ee9be413f2f3182435514aae");
    expect(verifyPassword("jack", "abc123", "{HA1}54c12257ee9be413f2f3182435514aae")).toBe(true);
    expect(verifyPassword("jack", "abc123", "{ha1}54C12257EE9BE413F2F3182435514AAE")).toBe(true);
    expect(verifyPassword("jill", "abc123", "{HA1}54c12257ee9be413f2f3182435514aae")).toBe(false);
  });

  it("never matches an unknown or empty scheme", () => {
    expect(verifyPassword("u", "secret", "{SHA}secret")).toBe(false);
    expect(verifyPassword("u", "{}secret", "{}secret")).toBe(false);
    expect(verifyPassword("u", "{secret", "{secret")).toBe(false);
  });
});

describe("decodePythonBase64", () => {
  // Expected values printed by Python 3.11's base64.b64decode.
  it.each([
    ["YWRtaW46eA==", "admin:x"],
    ["YWRt aW46eA==", "admin:x"],
    ["YW*Rt!aW46eA==", "admin:x"],
    ["YWRtaW46eA==junk", "admin:x"],
    ["=YWRtaW46eA==", "admin:x"],
    ["YWRtaW46eA=x=", "admin:x\x0c"],
    ["YW=Jj", "abc"],
    ["YWJj=", "abc"],
  ])("decodes %j like Python", (input, expected) => {
    expect(Buffer.from(decodePythonBase64(input) ?? []).toString("latin1")).toBe(expected);
  });

  it.each(["YWRtaW46eA", "YWRtaW46eA=", "YQ=a", "Y", "YWJ"])("rejects %j like Python", (input) => {
    expect(decodePythonBase64(input)).toBeUndefined();
  });
});

describe("parseAuthorization", () => {
  it("splits credentials at the first colon", () => {
    const header = `Basic ${Buffer.from("user:pa:ss:word").toString("base64")}`;
    expect(parseAuthorization(header)).toEqual({ kind: "basic", user: "user", password: "pa:ss:word" });
  });

  it("takes the scheme word case-insensitively", () => {
    expect(parseAuthorization(`bAsIc ${Buffer.from("a:b").toString("base64")}`).kind).toBe("basic");
  });

  it("tells a bare Basic from unusable credentials", () => {
    expect(parseAuthorization("Basic").kind).toBe("basic-without-credentials");
    expect(parseAuthorization("Basic   ").kind).toBe("basic-without-credentials");
    expect(parseAuthorization(`Basic ${Buffer.from("nocolon").toString("base64")}`).kind).toBe("unusable");
    expect(parseAuthorization(`Basic ${Buffer.from("é:x").toString("base64")}`).kind).toBe("unusable");
    expect(parseAuthorization("Bearer abc").kind).toBe("unusable");
    expect(parseAuthorization("").kind).toBe("unusable");
  });
});

describe("authentication end to end", () => {
  let simulator: Simulator | undefined;

  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });

  async function start(options: SimulatorOptions = {}): Promise<number> {
    simulator = await startSimulator({ usersFile: TEST_USERS_FILE, ...options });
    return simulator.port;
  }

  function basic(credentials: string): Record<string, string> {
    return { Authorization: `Basic ${Buffer.from(credentials).toString("base64")}` };
  }

  it("accepts HA1 and cleartext users on read resources", async () => {
    const port = await start();
    expect((await request(port, { path: "/2/info", auth: ADMIN })).status).toBe(200);
    expect((await request(port, { path: "/2/info", auth: READER })).status).toBe(200);
    expect((await request(port, { path: "/2/info", auth: NOBODY })).status).toBe(200);
  });

  it("answers 401 with the challenge to wrong, unknown and undecodable credentials", async () => {
    const port = await start();
    for (const headers of [basic("admin:wrong"), basic("ghost:x"), basic("admin"), { Authorization: "Basic YWRtaW4" }, { Authorization: "Digest x" }]) {
      const reply = await request(port, { path: "/2/info", headers });
      expect(reply.status, JSON.stringify(headers)).toBe(401);
      expect(reply.headers["www-authenticate"]).toBe('Basic realm="Ganeti Remote API"');
    }
  });

  it("answers 400 to Basic without credentials", async () => {
    const port = await start();
    const reply = await request(port, { path: "/2/info", headers: { Authorization: "Basic" } });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toEqual({
      code: 400,
      message: "Basic authentication requires credentials",
      explain: "Bad request syntax or unsupported method",
    });
  });

  it("accepts a password that contains colons", async () => {
    const port = await start({ usersFile: "colon {cleartext}a:b:c write" });
    expect((await request(port, { path: "/2/info", headers: basic("colon:a:b:c") })).status).toBe(200);
    expect((await request(port, { path: "/2/info", headers: basic("colon:a:b") })).status).toBe(401);
  });

  it("never lets an unknown password scheme log in", async () => {
    const port = await start({ usersFile: "odd {SSHA}secret write" });
    expect((await request(port, { path: "/2/info", headers: basic("odd:secret") })).status).toBe(401);
    expect((await request(port, { path: "/2/info", headers: basic("odd:{SSHA}secret") })).status).toBe(401);
  });

  it("answers 403 to users without the option a resource needs", async () => {
    const port = await start();
    expect((await request(port, { method: "PUT", path: "/2/tags?tag=a", auth: READER })).status).toBe(403);
    expect((await request(port, { path: "/2/query/node?fields=name", auth: NOBODY })).status).toBe(403);
    expect((await request(port, { path: "/2/query/node?fields=name", auth: READER })).status).toBe(200);
    expect((await request(port, { path: "/2/jobs/1/wait", auth: READER, body: "{}" })).status).toBe(403);
  });

  it("requires a login for every resource by default", async () => {
    const port = await start();
    expect((await request(port, { path: "/version" })).status).toBe(401);
  });

  it("serves any resources anonymously without --require-authentication", async () => {
    const port = await start({ requireAuth: false });
    expect((await request(port, { path: "/version" })).body).toBe("2\n");
    expect((await request(port, { path: "/2/info" })).status).toBe(200);
    expect((await request(port, { path: "/2/query/node?fields=name" })).status).toBe(401);
    expect((await request(port, { method: "PUT", path: "/2/tags?tag=a" })).status).toBe(401);
  });

  it("still checks credentials sent to an anonymous resource", async () => {
    const port = await start({ requireAuth: false });
    expect((await request(port, { path: "/2/info", auth: ["admin", "wrong"] })).status).toBe(401);
    expect((await request(port, { path: "/2/info", headers: { Authorization: "Basic" } })).status).toBe(400);
    expect((await request(port, { path: "/2/info", auth: NOBODY })).status).toBe(200);
  });

  it("uses a replaced users file at once", async () => {
    const port = await start();
    simulator?.setUsers("newcomer {cleartext}pw write");
    expect((await request(port, { path: "/2/info", auth: ["newcomer", "pw"] })).status).toBe(200);
    expect((await request(port, { path: "/2/info", auth: ADMIN })).status).toBe(401);
  });

  it("checks routes before credentials", async () => {
    const port = await start();
    expect((await request(port, { path: "/2/nosuch" })).status).toBe(404);
    expect((await request(port, { method: "PATCH", path: "/2/info" })).status).toBe(501);
  });

  it("checks credentials before the body", async () => {
    const port = await start();
    const reply = await request(port, { method: "POST", path: "/2/instances", auth: READER, body: "{bad" });
    expect(reply.status).toBe(403);
  });
});
