import { describe, expect, it } from "vitest";
import { decideAccess, grants } from "../../src/auth/access";
import { parseAuthorization } from "../../src/auth/basic";
import type { UserRecord } from "../../src/auth/users-file";
import type { AccessLevel } from "../../src/rapi/resources";

const USERS = new Map<string, UserRecord>([
  ["writer", { password: "w-secret", options: ["write"] }],
  ["reader", { password: "{cleartext}r-secret", options: ["read"] }],
  ["plain", { password: "p-secret", options: [] }],
]);
const findUser = async (name: string) => USERS.get(name);
const header = (user: string, password: string) => parseAuthorization(`Basic ${btoa(`${user}:${password}`)}`);

describe("grants", () => {
  it.each<[string[], AccessLevel, boolean]>([
    [[], "any", true],
    [[], "read", false],
    [[], "write", false],
    [["read"], "read", true],
    [["read"], "write", false],
    [["write"], "read", true],
    [["write"], "write", true],
    [["other"], "read", false],
  ])("options %j grant %s: %s", (options, level, expected) => {
    expect(grants(options, level)).toBe(expected);
  });
});

describe("decideAccess", () => {
  it("lets anonymous callers use open resources when authentication is not required", async () => {
    expect(await decideAccess("any", false, parseAuthorization(null), findUser)).toEqual({ allowed: true, identity: { kind: "anonymous" } });
  });

  it("asks anonymous callers to log in when authentication is required", async () => {
    expect(await decideAccess("any", true, parseAuthorization(null), findUser)).toMatchObject({ allowed: false, denial: { status: 401, reason: "missing-credentials" } });
  });

  it.each<AccessLevel>(["read", "write"])("asks anonymous callers to log in for %s resources even when not required", async (level) => {
    expect(await decideAccess(level, false, parseAuthorization(null), findUser)).toMatchObject({ allowed: false, denial: { status: 401 } });
  });

  it("checks credentials that are sent even on open resources", async () => {
    expect(await decideAccess("any", false, header("writer", "wrong"), findUser)).toMatchObject({ allowed: false, denial: { status: 401, reason: "wrong-password" } });
  });

  it("refuses an empty Authorization header even on open resources", async () => {
    expect(await decideAccess("any", false, parseAuthorization(""), findUser)).toMatchObject({ allowed: false, denial: { status: 401, reason: "empty" } });
  });

  it("answers 400 to Basic without credentials", async () => {
    expect(await decideAccess("any", true, parseAuthorization("Basic"), findUser)).toMatchObject({ allowed: false, denial: { status: 400 } });
  });

  it("refuses an unknown user", async () => {
    expect(await decideAccess("any", true, header("nobody", "x"), findUser)).toMatchObject({ allowed: false, denial: { status: 401, reason: "unknown-user" } });
  });

  it("forbids a read-only user a write resource", async () => {
    expect(await decideAccess("write", true, header("reader", "r-secret"), findUser)).toMatchObject({ allowed: false, denial: { status: 403 } });
  });

  it("forbids a user without options a read resource", async () => {
    expect(await decideAccess("read", true, header("plain", "p-secret"), findUser)).toMatchObject({ allowed: false, denial: { status: 403 } });
  });

  it("lets a user without options use open resources", async () => {
    expect(await decideAccess("any", true, header("plain", "p-secret"), findUser)).toMatchObject({ allowed: true, identity: { kind: "user", name: "plain" } });
  });

  it.each<AccessLevel>(["any", "read", "write"])("lets a write user use %s resources", async (level) => {
    expect(await decideAccess(level, true, header("writer", "w-secret"), findUser)).toMatchObject({ allowed: true, identity: { kind: "user", name: "writer", options: ["write"] } });
  });

  it("checks the password before the option, so a wrong password on a write is 401", async () => {
    expect(await decideAccess("write", true, header("reader", "bad"), findUser)).toMatchObject({ allowed: false, denial: { status: 401 } });
  });
});
