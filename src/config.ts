import type { WriteOnce } from "./idempotency/write-once";
import type { JobWatch } from "./jobs/job-watch";
import { RapiError } from "./rapi/errors";

/** The bindings and variables the Worker reads (see wrangler.toml and README). */
export interface Env {
  readonly USERS: KVNamespace;
  readonly JOB_WATCH: DurableObjectNamespace<JobWatch>;
  readonly WRITE_ONCE: DurableObjectNamespace<WriteOnce>;
  readonly UPSTREAM_URL?: string;
  readonly UPSTREAM_READ_USER?: string;
  readonly UPSTREAM_READ_PASSWORD?: string;
  readonly UPSTREAM_WRITE_USER?: string;
  readonly UPSTREAM_WRITE_PASSWORD?: string;
  readonly ACCESS_CLIENT_ID?: string;
  readonly ACCESS_CLIENT_SECRET?: string;
  readonly REQUIRE_AUTH?: string;
  readonly MAX_BODY_BYTES?: string;
  readonly UPSTREAM_TIMEOUT_MS?: string;
  readonly USERS_CACHE_SECONDS?: string;
  readonly JOB_POLL_INTERVAL_MS?: string;
  readonly JOB_WAIT_TIMEOUT_MS?: string;
  readonly JOB_RETENTION_SECONDS?: string;
  readonly IDEMPOTENCY_WINDOW_SECONDS?: string;
  readonly LOG_REQUESTS?: string;
}

/** An upstream service account, one per access level. */
export interface UpstreamAccount {
  readonly user: string;
  readonly password: string;
}

/** The gateway's settings, validated, with defaults applied. */
export interface Config {
  readonly upstreamOrigin: string;
  readonly upstreamRead: UpstreamAccount | undefined;
  readonly upstreamWrite: UpstreamAccount | undefined;
  readonly accessServiceToken: { readonly clientId: string; readonly clientSecret: string } | undefined;
  readonly requireAuth: boolean;
  readonly maxBodyBytes: number;
  readonly upstreamTimeoutMs: number;
  readonly usersCacheMs: number;
  readonly jobPollIntervalMs: number;
  readonly jobWaitTimeoutMs: number;
  readonly jobRetentionMs: number;
  readonly idempotencyWindowMs: number;
  /** The requests that get a log line: every one, or only errors and writes. */
  readonly logRequests: "all" | "errors";
}

/** A setting that cannot be used, with what to do about it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function readInteger(env: Env, name: keyof Env, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") {
    return fallback;
  }
  if (typeof raw !== "string" || !/^[0-9]+$/.test(raw.trim())) {
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, got ${JSON.stringify(raw)}`);
  }
  const value = Number(raw.trim());
  if (value < min || value > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function readBoolean(env: Env, name: keyof Env, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") {
    return fallback;
  }
  const value = String(raw).trim().toLowerCase();
  if (["true", "1", "yes"].includes(value)) {
    return true;
  }
  if (["false", "0", "no"].includes(value)) {
    return false;
  }
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

function readAccount(env: Env, userName: keyof Env, passwordName: keyof Env): UpstreamAccount | undefined {
  const user = env[userName];
  const password = env[passwordName];
  if ((user === undefined || user === "") && (password === undefined || password === "")) {
    return undefined;
  }
  if (typeof user !== "string" || user === "" || typeof password !== "string") {
    throw new ConfigError(`set both ${userName} and ${passwordName}, or neither`);
  }
  if (user.includes(":")) {
    throw new ConfigError(`${userName} must not contain ":" (HTTP Basic splits user and password there)`);
  }
  return { user, password };
}

function readLogRequests(env: Env): "all" | "errors" {
  const raw = env.LOG_REQUESTS;
  if (raw === undefined || raw === "" || raw === "all") {
    return "all";
  }
  if (raw === "errors") {
    return "errors";
  }
  throw new ConfigError(`LOG_REQUESTS must be "all" or "errors", got ${JSON.stringify(raw)}`);
}

function readUpstreamOrigin(env: Env): string {
  const raw = env.UPSTREAM_URL;
  if (raw === undefined || raw === "") {
    throw new ConfigError("UPSTREAM_URL is not set: set it to the daemon's origin, e.g. https://rapi.example.net:5080");
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`UPSTREAM_URL is not a valid URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`UPSTREAM_URL must use http or https, got ${url.protocol}`);
  }
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new ConfigError("UPSTREAM_URL must be an origin only (scheme, host, port), with no path, query or credentials");
  }
  return url.origin;
}

/** Reads one setting, keeping its error for the list instead of stopping at it. */
function collect<T>(errors: string[], read: () => T, fallback: T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) {
      errors.push(error.message);
      return fallback;
    }
    throw error;
  }
}

/** Validates the environment; throws one ConfigError that lists every setting to fix. */
export function parseConfig(env: Env): Config {
  const errors: string[] = [];
  const accessClientId = env.ACCESS_CLIENT_ID;
  const accessClientSecret = env.ACCESS_CLIENT_SECRET;
  const hasAccessId = accessClientId !== undefined && accessClientId !== "";
  const hasAccessSecret = accessClientSecret !== undefined && accessClientSecret !== "";
  if (hasAccessId !== hasAccessSecret) {
    errors.push("set both ACCESS_CLIENT_ID and ACCESS_CLIENT_SECRET, or neither");
  }

  const config: Config = {
    upstreamOrigin: collect(errors, () => readUpstreamOrigin(env), ""),
    upstreamRead: collect(errors, () => readAccount(env, "UPSTREAM_READ_USER", "UPSTREAM_READ_PASSWORD"), undefined),
    upstreamWrite: collect(errors, () => readAccount(env, "UPSTREAM_WRITE_USER", "UPSTREAM_WRITE_PASSWORD"), undefined),
    accessServiceToken: hasAccessId && hasAccessSecret ? { clientId: accessClientId, clientSecret: accessClientSecret } : undefined,
    requireAuth: collect(errors, () => readBoolean(env, "REQUIRE_AUTH", true), true),
    maxBodyBytes: collect(errors, () => readInteger(env, "MAX_BODY_BYTES", 1024 * 1024, 1, 100 * 1024 * 1024), 0),
    upstreamTimeoutMs: collect(errors, () => readInteger(env, "UPSTREAM_TIMEOUT_MS", 30_000, 100, 600_000), 0),
    usersCacheMs: collect(errors, () => readInteger(env, "USERS_CACHE_SECONDS", 30, 0, 60), 0) * 1000,
    jobPollIntervalMs: collect(errors, () => readInteger(env, "JOB_POLL_INTERVAL_MS", 1000, 100, 60_000), 0),
    jobWaitTimeoutMs: collect(errors, () => readInteger(env, "JOB_WAIT_TIMEOUT_MS", 10_000, 100, 120_000), 0),
    jobRetentionMs: collect(errors, () => readInteger(env, "JOB_RETENTION_SECONDS", 7 * 24 * 3600, 60, 365 * 24 * 3600), 0) * 1000,
    idempotencyWindowMs: collect(errors, () => readInteger(env, "IDEMPOTENCY_WINDOW_SECONDS", 24 * 3600, 1, 30 * 24 * 3600), 0) * 1000,
    logRequests: collect(errors, () => readLogRequests(env), "all"),
  };
  if (errors.length > 0) {
    throw new ConfigError(errors.join("; "));
  }
  return config;
}

const parsedConfigs = new WeakMap<Env, Config>();

/**
 * Returns the configuration for an env object, parsed once per isolate. A
 * bad setting becomes a 503 for the client and the reason for the log.
 */
export function loadConfig(env: Env): Config {
  const cached = parsedConfigs.get(env);
  if (cached !== undefined) {
    return cached;
  }
  try {
    const config = parseConfig(env);
    parsedConfigs.set(env, config);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new RapiError(503, undefined, { detail: `configuration: ${error.message}` });
    }
    throw error;
  }
}
