import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startE2eStack, usesRealDaemon, type E2eStack } from "../support/e2e-stack.ts";

const run = promisify(execFile);
const SUITE = fileURLToPath(new URL("./client_suite.py", import.meta.url));

let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack({ https: true });
});

afterAll(async () => {
  await stack?.close();
});

describe("Ganeti's Python client through the gateway", () => {
  it("runs the whole client suite without a failed step", async () => {
    const url = new URL(stack.gatewayUrl);
    let output: string;
    try {
      const result = await run("/usr/bin/python3", [SUITE], {
        timeout: 600_000,
        env: {
          PATH: "/usr/bin:/bin",
          GATEWAY_HOST: url.hostname,
          GATEWAY_PORT: url.port,
          WRITE_USER: "operator",
          WRITE_PASSWORD: "operator-secret",
          READ_USER: "auditor",
          READ_PASSWORD: "auditor-secret",
          // The real cluster resolves only the names its hosts file lists.
          INSTANCE: usesRealDaemon() ? "inst5.ganeti.test" : "e2e-instance.ganeti.test",
        },
      });
      output = result.stdout + result.stderr;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      output = `${failed.stdout ?? ""}${failed.stderr ?? ""}`;
    }

    console.log(output);
    const failedSteps = output.split("\n").filter((line) => line.startsWith("FAIL "));
    expect(failedSteps).toEqual([]);
    expect(output).toMatch(/client suite: 14 steps, 0 failed/);
  });
});
