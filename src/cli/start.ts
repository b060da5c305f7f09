/**
 * `npm start`: runs the gateway in workerd with local KV seeded from a users
 * file, in front of the RAPI simulator (or of UPSTREAM_URL when it is set).
 * Settings come from the environment; README.md lists them.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startSimulator, type Simulator } from "../../test/simulator/server.ts";
import { launchGateway, type LaunchedGateway } from "./launch.ts";

const DEMO_USERS_FILE = fileURLToPath(new URL("./demo-users.txt", import.meta.url));
const DEMO_CREDENTIALS = [
  ["admin", "admin-secret", "write"],
  ["viewer", "viewer-secret", "read"],
  ["guest", "guest-secret", "no option"],
] as const;

// Worker settings passed through from the environment when they are set.
const PASSED_SETTINGS = [
  "REQUIRE_AUTH",
  "MAX_BODY_BYTES",
  "UPSTREAM_TIMEOUT_MS",
  "USERS_CACHE_SECONDS",
  "JOB_POLL_INTERVAL_MS",
  "JOB_WAIT_TIMEOUT_MS",
  "JOB_RETENTION_SECONDS",
  "IDEMPOTENCY_WINDOW_SECONDS",
  "ACCESS_CLIENT_ID",
  "ACCESS_CLIENT_SECRET",
] as const;

const UPSTREAM_ACCOUNT_SETTINGS = ["UPSTREAM_READ_USER", "UPSTREAM_READ_PASSWORD", "UPSTREAM_WRITE_USER", "UPSTREAM_WRITE_PASSWORD"] as const;

function fail(message: string): never {
  console.error(`rapi-edge: ${message}`);
  process.exit(1);
}

function readPort(): number {
  const raw = process.env.PORT ?? "8787";
  const port = Number(raw);
  if (!/^[0-9]+$/.test(raw) || port < 1 || port > 65535) {
    fail(`PORT must be a number from 1 to 65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

function readUsersFile(): { text: string; isDemo: boolean } {
  const path = process.env.USERS_FILE;
  if (path === undefined || path === "") {
    return { text: readFileSync(DEMO_USERS_FILE, "utf8"), isDemo: true };
  }
  try {
    return { text: readFileSync(path, "utf8"), isDemo: false };
  } catch (error) {
    fail(`cannot read USERS_FILE ${path}: ${(error as Error).message}`);
  }
}

function passedSettings(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const name of [...PASSED_SETTINGS, ...UPSTREAM_ACCOUNT_SETTINGS]) {
    const value = process.env[name];
    if (value !== undefined) {
      vars[name] = value;
    }
  }
  return vars;
}

/**
 * Starts the simulator with two upstream accounts whose passwords are made
 * up for this run, and returns the Worker settings that use them.
 */
async function startEmbeddedUpstream(): Promise<{ simulator: Simulator; vars: Record<string, string> }> {
  const readPassword = randomBytes(12).toString("hex");
  const writePassword = randomBytes(12).toString("hex");
  const simulator = await startSimulator({
    usersFile: `edge-reader {cleartext}${readPassword} read\nedge-writer {cleartext}${writePassword} write\n`,
    requireAuth: true,
  });
  const vars = {
    UPSTREAM_READ_USER: "edge-reader",
    UPSTREAM_READ_PASSWORD: readPassword,
    UPSTREAM_WRITE_USER: "edge-writer",
    UPSTREAM_WRITE_PASSWORD: writePassword,
  };
  return { simulator, vars };
}

async function main(): Promise<void> {
  if (process.argv.length > 2) {
    fail(`npm start takes no arguments (got ${process.argv.slice(2).join(" ")}); settings come from the environment, e.g. PORT=8788 npm start. README.md lists them.`);
  }
  const port = readPort();
  const users = readUsersFile();
  const https = process.env.HTTPS === "1";
  const upstreamUrl = process.env.UPSTREAM_URL;

  let simulator: Simulator | undefined;
  let vars = passedSettings();
  if (upstreamUrl === undefined || upstreamUrl === "") {
    const embedded = await startEmbeddedUpstream();
    simulator = embedded.simulator;
    vars = { ...vars, ...embedded.vars };
  }

  let gateway: LaunchedGateway;
  try {
    gateway = await launchGateway({
      upstreamUrl: upstreamUrl || (simulator as Simulator).url,
      usersFile: users.text,
      vars,
      port,
      https,
      onLog: (line) => console.log(line),
    });
  } catch (error) {
    await simulator?.close();
    const message = (error as Error).message;
    if (message.includes("Address already in use")) {
      fail(`port ${port} is in use: set PORT to a free port, e.g. PORT=8788 npm start`);
    }
    fail(`the gateway did not start: ${message}`);
  }

  console.log(`rapi-edge listening on ${gateway.url}`);
  console.log(`upstream: ${simulator === undefined ? upstreamUrl : `RAPI simulator at ${simulator.url}`}`);
  if (vars.REQUIRE_AUTH !== undefined && ["false", "0", "no"].includes(vars.REQUIRE_AUTH.trim().toLowerCase())) {
    console.log("REQUIRE_AUTH is off: anyone may use the resources open to any user without logging in");
  }
  if (users.isDemo) {
    console.log("demo users (user / password / option):");
    for (const [name, password, option] of DEMO_CREDENTIALS) {
      console.log(`  ${name} / ${password} / ${option}`);
    }
    const insecure = https ? "-k " : "";
    console.log(`try: curl ${insecure}-u admin:admin-secret ${gateway.url}/2/info`);
  } else {
    console.log(`users: ${process.env.USERS_FILE}`);
  }

  const stop = async (): Promise<void> => {
    await gateway.close();
    await simulator?.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

await main();
