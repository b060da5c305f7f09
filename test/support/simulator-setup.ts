import type { TestProject } from "vitest/node";
import { startSimulator } from "../simulator/server.ts";
import { UPSTREAM_USERS_FILE } from "./test-users.ts";

declare module "vitest" {
  export interface ProvidedContext {
    simulatorUrl: string;
  }
}

/** Starts one RAPI simulator on loopback for the whole run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const simulator = await startSimulator({ usersFile: UPSTREAM_USERS_FILE, requireAuth: true, jobStepMs: 300, waitTimeoutMs: 3000 });
  project.provide("simulatorUrl", simulator.url);
  return () => simulator.close();
}
