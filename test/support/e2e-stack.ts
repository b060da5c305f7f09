/**
 * The stack end-to-end tests drive real clients through: an upstream (the
 * RAPI simulator, or a real ganeti-rapi named by the environment) and the
 * gateway in workerd, served over HTTPS like a production edge.
 *
 * Against a real daemon set RAPI_E2E_UPSTREAM_URL and the daemon's accounts:
 * RAPI_E2E_UPSTREAM_READ (user:password with option read) and
 * RAPI_E2E_UPSTREAM_WRITE (user:password with option write).
 */
import { launchGateway, type LaunchedGateway } from "../../src/cli/launch.ts";
import { startSimulator, type Simulator } from "../simulator/server.ts";
import { EDGE_USERS_FILE, GATEWAY_TEST_VARS, UPSTREAM_USERS_FILE } from "./test-users.ts";

export interface E2eStack {
  readonly gatewayUrl: string;
  readonly upstreamUrl: string;
  /** Present when the upstream is the simulator. */
  readonly simulator: Simulator | undefined;
  readonly gateway: LaunchedGateway;
  readonly logs: string[];
  close(): Promise<void>;
}

function splitAccount(name: string): [string, string] {
  const value = process.env[name];
  const colon = value?.indexOf(":") ?? -1;
  if (value === undefined || colon < 1) {
    throw new Error(`${name} must be set to user:password when RAPI_E2E_UPSTREAM_URL is set`);
  }
  return [value.slice(0, colon), value.slice(colon + 1)];
}

/** True when the suite runs against a real daemon rather than the simulator. */
export function usesRealDaemon(): boolean {
  return (process.env.RAPI_E2E_UPSTREAM_URL ?? "") !== "";
}

export async function startE2eStack(options: { https?: boolean; vars?: Record<string, string> } = {}): Promise<E2eStack> {
  let simulator: Simulator | undefined;
  let upstreamUrl: string;
  let accounts: Record<string, string>;

  if (usesRealDaemon()) {
    upstreamUrl = process.env.RAPI_E2E_UPSTREAM_URL as string;
    const [readUser, readPassword] = splitAccount("RAPI_E2E_UPSTREAM_READ");
    const [writeUser, writePassword] = splitAccount("RAPI_E2E_UPSTREAM_WRITE");
    accounts = { UPSTREAM_READ_USER: readUser, UPSTREAM_READ_PASSWORD: readPassword, UPSTREAM_WRITE_USER: writeUser, UPSTREAM_WRITE_PASSWORD: writePassword };
  } else {
    simulator = await startSimulator({ usersFile: UPSTREAM_USERS_FILE, requireAuth: true, jobStepMs: 300 });
    upstreamUrl = simulator.url;
    accounts = {};
  }

  const logs: string[] = [];
  const gateway = await launchGateway({
    upstreamUrl,
    usersFile: EDGE_USERS_FILE,
    vars: { ...GATEWAY_TEST_VARS, UPSTREAM_TIMEOUT_MS: "30000", JOB_WAIT_TIMEOUT_MS: "10000", JOB_POLL_INTERVAL_MS: "500", ...accounts, ...options.vars },
    https: options.https ?? true,
    onLog: (line) => logs.push(line),
  });

  return {
    gatewayUrl: gateway.url,
    upstreamUrl,
    simulator,
    gateway,
    logs,
    close: async () => {
      await gateway.close();
      await simulator?.close();
    },
  };
}
