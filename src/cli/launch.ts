/**
 * Runs the Worker locally in workerd through Miniflare, with the bindings of
 * wrangler.toml, KV seeded with users, and settings given here. Used by
 * `npm start`, the end-to-end tests and the benchmark.
 */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { parseUsersFile, userKey, type UserRecord } from "../auth/users-file.ts";

export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WRANGLER_CONFIG = `${PROJECT_ROOT}wrangler.toml`;

export interface GatewayLaunchOptions {
  /** Origin of the daemon (or simulator) the Worker forwards to. */
  readonly upstreamUrl: string;
  /** Text of a Ganeti-format users file to seed KV with. */
  readonly usersFile?: string;
  /** Worker variables and secrets that override wrangler.toml's `[vars]`. */
  readonly vars?: Readonly<Record<string, string>>;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Serve HTTPS with a self-signed certificate (Ganeti's Python client speaks only HTTPS). */
  readonly https?: boolean;
  /** Entry module to bundle instead of src/index.ts (the benchmark's baseline Worker). */
  readonly entryPoint?: string;
  /** Receives each line the Worker logs; by default they are dropped. */
  readonly onLog?: (line: string) => void;
}

export interface LaunchedGateway {
  readonly url: string;
  readonly miniflare: Miniflare;
  close(): Promise<void>;
}

const bundles = new Map<string, Promise<string>>();

/** Bundles a Worker entry module once per process, as wrangler would. */
export function bundleWorker(entryPoint: string): Promise<string> {
  let bundle = bundles.get(entryPoint);
  if (bundle === undefined) {
    bundle = build({
      entryPoints: [entryPoint],
      bundle: true,
      format: "esm",
      target: "es2022",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      write: false,
      logLevel: "silent",
      // Modules the runtime provides, as wrangler leaves them to workerd.
      external: ["cloudflare:*", "node:*"],
    }).then((result) => {
      const output = result.outputFiles[0];
      if (output === undefined) {
        throw new Error(`bundling ${entryPoint} produced no output`);
      }
      return output.text;
    });
    bundles.set(entryPoint, bundle);
  }
  return bundle;
}

/** Writes users into the USERS namespace, one `user:<name>` key each. */
export async function seedUsers(miniflare: Miniflare, users: ReadonlyMap<string, UserRecord>): Promise<void> {
  const kv = await miniflare.getKVNamespace("USERS");
  for (const [name, record] of users) {
    await kv.put(userKey(name), JSON.stringify(record));
  }
}

/** Starts the Worker and returns its URL once it accepts requests. */
export async function launchGateway(options: GatewayLaunchOptions): Promise<LaunchedGateway> {
  const entryPoint = options.entryPoint ?? `${PROJECT_ROOT}src/index.ts`;
  const script = await bundleWorker(entryPoint);
  const { workerOptions } = unstable_getMiniflareWorkerOptions(WRANGLER_CONFIG);
  const onLog = options.onLog;

  // wrangler reads its config in Miniflare's version-4 option shape.
  const miniflare = new Miniflare(convertV4MiniflareOptions({
    workers: [
      {
        ...workerOptions,
        name: "rapi-edge",
        modules: [{ type: "ESModule", path: `${PROJECT_ROOT}worker.mjs`, contents: script }],
        bindings: { ...(workerOptions.bindings as Record<string, unknown> | undefined), UPSTREAM_URL: options.upstreamUrl, ...(options.vars ?? {}) },
      },
    ],
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    https: options.https ?? false,
    handleStructuredLogs: ({ message }) => onLog?.(message),
  }));

  const url = await miniflare.ready;
  if (options.usersFile !== undefined) {
    await seedUsers(miniflare, parseUsersFile(options.usersFile).users);
  }
  return {
    url: url.origin,
    miniflare,
    close: () => miniflare.dispose(),
  };
}
