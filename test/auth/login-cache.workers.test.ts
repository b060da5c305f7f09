import { describe, expect, it } from "vitest";
import { LoginCache } from "../../src/auth/login-cache";

const operator = { kind: "user" as const, name: "operator", options: ["write"] };

describe("LoginCache", () => {
  it("returns a remembered login until it expires", () => {
    const cache = new LoginCache(1000);
    cache.remember("Basic b3A6cHc=", operator, 0);
    expect(cache.find("Basic b3A6cHc=", 999)).toEqual(operator);
    expect(cache.find("Basic b3A6cHc=", 1000)).toBeUndefined();
  });

  it("matches only the exact header value", () => {
    const cache = new LoginCache(1000);
    cache.remember("Basic b3A6cHc=", operator, 0);
    expect(cache.find("Basic b3A6cHc=!", 1)).toBeUndefined();
    expect(cache.find("basic b3A6cHc=", 1)).toBeUndefined();
  });

  it("remembers nothing when the cache time is zero", () => {
    const cache = new LoginCache(0);
    cache.remember("Basic b3A6cHc=", operator, 0);
    expect(cache.find("Basic b3A6cHc=", 0)).toBeUndefined();
  });

  it("does not keep oversized header values", () => {
    const cache = new LoginCache(1000);
    const padded = `Basic ${"*".repeat(2000)}b3A6cHc=`;
    cache.remember(padded, operator, 0);
    expect(cache.find(padded, 1)).toBeUndefined();
  });
});
