import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig, type Env } from "../src/config";
import { RapiError } from "../src/rapi/errors";

function settings(values: Record<string, string>): Env {
  return { USERS: env.USERS, JOB_WATCH: env.JOB_WATCH, WRITE_ONCE: env.WRITE_ONCE, UPSTREAM_URL: "https://rapi.example.net:5080", ...values } as Env;
}

function configError(values: Record<string, string>): string {
  try {
    parseConfig(settings(values));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("the settings were accepted");
}

describe("parseConfig", () => {
  it("applies the documented defaults", () => {
    expect(parseConfig(settings({}))).toMatchObject({
      upstreamOrigin: "https://rapi.example.net:5080",
      upstreamRead: undefined,
      upstreamWrite: undefined,
      accessServiceToken: undefined,
      requireAuth: true,
      maxBodyBytes: 1_048_576,
      upstreamTimeoutMs: 30_000,
      usersCacheMs: 30_000,
      jobPollIntervalMs: 1000,
      jobWaitTimeoutMs: 10_000,
      jobRetentionMs: 604_800_000,
      idempotencyWindowMs: 86_400_000,
      logRequests: "all",
    });
  });

  it("reads accounts, booleans and numbers", () => {
    const config = parseConfig(
      settings({ UPSTREAM_READ_USER: "r", UPSTREAM_READ_PASSWORD: "p:1", UPSTREAM_WRITE_USER: "w", UPSTREAM_WRITE_PASSWORD: "", REQUIRE_AUTH: "false", USERS_CACHE_SECONDS: "0", LOG_REQUESTS: "errors" }),
    );
    expect(config.upstreamRead).toEqual({ user: "r", password: "p:1" });
    expect(config.upstreamWrite).toEqual({ user: "w", password: "" });
    expect(config.requireAuth).toBe(false);
    expect(config.usersCacheMs).toBe(0);
    expect(config.logRequests).toBe("errors");
  });

  it.each(["", "not a url", "ftp://host", "https://host/path", "https://host/?q=1", "https://user:pw@host"])("rejects the upstream %j", (url) => {
    expect(configError({ UPSTREAM_URL: url })).toMatch(/UPSTREAM_URL/);
  });

  it("lists every bad setting at once", () => {
    const message = configError({ MAX_BODY_BYTES: "abc", USERS_CACHE_SECONDS: "120", REQUIRE_AUTH: "maybe", LOG_REQUESTS: "some" });
    expect(message).toContain("MAX_BODY_BYTES");
    expect(message).toContain("USERS_CACHE_SECONDS");
    expect(message).toContain("REQUIRE_AUTH");
    expect(message).toContain("LOG_REQUESTS");
  });

  it("asks for both halves of an account and of the Access token", () => {
    expect(configError({ UPSTREAM_WRITE_USER: "w" })).toMatch(/UPSTREAM_WRITE_USER and UPSTREAM_WRITE_PASSWORD/);
    expect(configError({ ACCESS_CLIENT_ID: "id" })).toMatch(/ACCESS_CLIENT_ID and ACCESS_CLIENT_SECRET/);
    expect(configError({ UPSTREAM_READ_USER: "a:b", UPSTREAM_READ_PASSWORD: "x" })).toMatch(/must not contain ":"/);
  });
});

describe("loadConfig", () => {
  it("turns bad settings into a 503 whose detail says what to fix", () => {
    try {
      loadConfig(settings({ UPSTREAM_TIMEOUT_MS: "-1" }));
      expect.unreachable("the settings were accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(RapiError);
      expect((error as RapiError).status).toBe(503);
      expect((error as RapiError).detail).toMatch(/UPSTREAM_TIMEOUT_MS/);
    }
  });
});
