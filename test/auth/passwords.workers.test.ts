import { describe, expect, it } from "vitest";
import { computeHa1, constantTimeEqual, verifyPassword } from "../../src/auth/passwords";

// Computed independently: python3 -c "import hashlib; print(hashlib.md5(b'jack:Ganeti Remote API:abc123').hexdigest())"
const JACK_HA1 = "54c12257ee9be413f2f3182435514aae";

describe("computeHa1", () => {
  it("hashes user, realm and password as RFC 2617 H(A1)", async () => {
    expect(await computeHa1("jack", "abc123")).toBe(JACK_HA1);
  });
});

describe("verifyPassword", () => {
  it.each([
    ["a bare cleartext password", "abc123"],
    ["a {cleartext} password", "{cleartext}abc123"],
    ["an upper-case {CLEARTEXT} prefix", "{CLEARTEXT}abc123"],
    ["a mixed-case {ClearText} prefix", "{ClearText}abc123"],
    ["an {HA1} hash", `{HA1}${JACK_HA1}`],
    ["a lower-case {ha1} prefix", `{ha1}${JACK_HA1}`],
    ["an upper-case hash", `{HA1}${JACK_HA1.toUpperCase()}`],
  ])("accepts the right password against %s", async (_name, stored) => {
    expect(await verifyPassword("jack", "abc123", stored)).toBe(true);
  });

  it.each([
    ["a bare cleartext password", "abc123"],
    ["a {cleartext} password", "{cleartext}abc123"],
    ["an {HA1} hash", `{HA1}${JACK_HA1}`],
  ])("rejects a wrong password against %s", async (_name, stored) => {
    expect(await verifyPassword("jack", "abc124", stored)).toBe(false);
  });

  it("binds an HA1 hash to the user name", async () => {
    expect(await verifyPassword("jill", "abc123", `{HA1}${JACK_HA1}`)).toBe(false);
  });

  it.each(["{SHA}abc123", "{MD5}abc123", "{}abc123", "{abc123", "{x}"])("never matches the unknown scheme %s", async (stored) => {
    expect(await verifyPassword("jack", "abc123", stored)).toBe(false);
    expect(await verifyPassword("jack", stored, stored)).toBe(false);
  });

  it("compares cleartext case-sensitively", async () => {
    expect(await verifyPassword("jack", "ABC123", "abc123")).toBe(false);
  });

  it("keeps colons and spaces of a password", async () => {
    expect(await verifyPassword("jack", "a:b c", "{cleartext}a:b c")).toBe(true);
    expect(await verifyPassword("jack", "a:b", "{cleartext}a:b c")).toBe(false);
  });
});

describe("constantTimeEqual", () => {
  it("tells equal from different strings of any length", async () => {
    expect(await constantTimeEqual("same", "same")).toBe(true);
    expect(await constantTimeEqual("same", "sam")).toBe(false);
    expect(await constantTimeEqual("", "")).toBe(true);
    expect(await constantTimeEqual("a", "b")).toBe(false);
  });
});
