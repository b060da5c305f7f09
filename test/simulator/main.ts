// Command-line entry of the RAPI simulator:
//   node test/simulator/main.ts --port N --users FILE [--no-require-auth]
//        [--job-step-ms N] [--wait-timeout-ms N] [--max-connections N]
// Runs until SIGINT or SIGTERM.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { startSimulator } from "./server.ts";

const DEMO_USERS = new URL("./demo-users", import.meta.url);

const USAGE = `usage: node test/simulator/main.ts [--port N] [--host ADDRESS] [--users FILE]
       [--no-require-auth] [--job-step-ms N] [--wait-timeout-ms N] [--max-connections N]

  --port N              TCP port to listen on (default 5080; 0 picks a free port)
  --host ADDRESS        address to listen on (default 127.0.0.1)
  --users FILE          Ganeti RAPI users file (default: test/simulator/demo-users)
  --no-require-auth     allow anonymous use of "any" resources, like a stock ganeti-rapi
  --job-step-ms N       milliseconds between job state changes (default 500)
  --wait-timeout-ms N   longest hold of /2/jobs/[id]/wait in milliseconds (default 10000)
  --max-connections N   requests served at once; more are queued (default 20)`;

function integerOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    console.error(`invalid --${name} value ${JSON.stringify(text)}: expected a whole number\n\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

function parseCommandLine(): Parameters<typeof startSimulator>[0] {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        users: { type: "string" },
        "no-require-auth": { type: "boolean" },
        "job-step-ms": { type: "string" },
        "wait-timeout-ms": { type: "string" },
        "max-connections": { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }

  const usersPath = values.users ?? DEMO_USERS;
  let usersFile: string;
  try {
    usersFile = readFileSync(usersPath, "utf8");
  } catch (error) {
    console.error(`cannot read users file ${String(usersPath)}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }

  const options: NonNullable<Parameters<typeof startSimulator>[0]> = {
    port: integerOption("port", values.port) ?? 5080,
    usersFile,
    requireAuth: values["no-require-auth"] !== true,
  };
  const jobStepMs = integerOption("job-step-ms", values["job-step-ms"]);
  const waitTimeoutMs = integerOption("wait-timeout-ms", values["wait-timeout-ms"]);
  const maxConnections = integerOption("max-connections", values["max-connections"]);
  if (values.host !== undefined) options.host = values.host;
  if (jobStepMs !== undefined) options.jobStepMs = jobStepMs;
  if (waitTimeoutMs !== undefined) options.waitTimeoutMs = waitTimeoutMs;
  if (maxConnections !== undefined) options.maxConnections = maxConnections;
  return options;
}

const simulator = await startSimulator(parseCommandLine());
console.log(`rapi simulator listening on ${simulator.url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`rapi simulator: ${signal} received, stopping`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("rapi simulator: stop failed:", error);
        process.exit(1);
      },
    );
  });
}
