import { describe, expect, it } from "vitest";
import { parseUserRecord, parseUsersFile } from "../../src/auth/users-file";

describe("parseUsersFile", () => {
  it("reads names, passwords and options", () => {
    const { users } = parseUsersFile(["jack abc123", "fred {cleartext}foo555 read", "jessica {HA1}7046452df2cbb530877058712cf17bd4 write"].join("\n"));
    expect(users.get("jack")).toEqual({ password: "abc123", options: [] });
    expect(users.get("fred")).toEqual({ password: "{cleartext}foo555", options: ["read"] });
    expect(users.get("jessica")).toEqual({ password: "{HA1}7046452df2cbb530877058712cf17bd4", options: ["write"] });
  });

  it("splits options on commas and trims them", () => {
    const { users } = parseUsersFile("ops secret read, write");
    expect(users.get("ops")?.options).toEqual(["read", "write"]);
  });

  it("ignores comments, blank lines and surrounding whitespace", () => {
    const { users, skippedLines } = parseUsersFile("# comment\n\n   \n\t  jack  abc123  \r\n  # indented comment");
    expect([...users.keys()]).toEqual(["jack"]);
    expect(skippedLines).toEqual([]);
  });

  it("skips a line with fewer than two fields and reports its number", () => {
    const { users, skippedLines } = parseUsersFile("lonely\njack abc123");
    expect([...users.keys()]).toEqual(["jack"]);
    expect(skippedLines).toEqual([1]);
  });

  it("lets a later line for the same user win", () => {
    const { users } = parseUsersFile("jack one\njack two write");
    expect(users.get("jack")).toEqual({ password: "two", options: ["write"] });
  });
});

describe("parseUserRecord", () => {
  it("accepts a well-formed record", () => {
    expect(parseUserRecord({ password: "x", options: ["read"] })).toEqual({ password: "x", options: ["read"] });
  });

  it.each([null, "x", 3, [], { options: [] }, { password: "", options: [] }, { password: "x" }, { password: "x", options: "write" }, { password: "x", options: [1] }, { password: 5, options: [] }])(
    "rejects the malformed record %j",
    (value) => {
      expect(parseUserRecord(value)).toBeUndefined();
    },
  );
});
