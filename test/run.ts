/**
 * `npm test`: type checks, then the Node, workerd and end-to-end suites one
 * after another, and a closing line with the totals. `node test/run.ts
 * STAGE...` runs only the named stages (types, node, workers, e2e, and real,
 * which needs the daemon that test/real/run.sh starts).
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { requirePythonClient } from "./support/system-packages.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const stages = ["types", "node", "workers", "e2e", "real"] as const;
const DEFAULT_STAGES: readonly Stage[] = ["types", "node", "workers", "e2e"];
type Stage = (typeof stages)[number];

const VITEST_CONFIGS: Record<Exclude<Stage, "types">, string> = {
  node: "test/vitest.node.config.ts",
  workers: "test/vitest.workers.config.ts",
  e2e: "test/vitest.e2e.config.ts",
  real: "test/vitest.real.config.ts",
};

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

function runVitest(config: string, reportDir: string, totals: Totals): boolean {
  const report = join(reportDir, `${config.replace(/[^a-z]/g, "-")}.json`);
  const result = spawnSync("npx", ["vitest", "run", "--config", config, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], { cwd: root, stdio: "inherit" });
  try {
    const summary = JSON.parse(readFileSync(report, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    totals.passed += summary.numPassedTests;
    totals.failed += summary.numFailedTests;
    totals.skipped += summary.numPendingTests + summary.numTodoTests;
  } catch {
    // No report means vitest failed before running tests; count the stage as one failure.
    totals.failed += 1;
  }
  return result.status === 0;
}

// The Worker, the workerd suites, and the Node programs and suites each have
// their own runtime types, so each gets its own check.
const TYPE_CHECKS = ["tsconfig.json", "test/tsconfig.workers.json", "test/tsconfig.node.json"];

function runTypeCheck(): boolean {
  return TYPE_CHECKS.every((project) => spawnSync("npx", ["tsc", "-p", project], { cwd: root, stdio: "inherit" }).status === 0);
}

const requested = process.argv.slice(2);
const unknown = requested.filter((stage) => !stages.includes(stage as Stage));
if (unknown.length > 0) {
  console.error(`unknown stage ${unknown.join(", ")}; stages are ${stages.join(", ")}`);
  process.exit(2);
}
const selected = requested.length === 0 ? [...DEFAULT_STAGES] : (requested as Stage[]);

const reportDir = mkdtempSync(join(tmpdir(), "rapi-edge-test-"));
const totals: Totals = { passed: 0, failed: 0, skipped: 0 };
const failedStages: string[] = [];
try {
  for (const stage of selected) {
    console.log(`\n== ${stage} ==`);
    if (stage === "types") {
      if (!runTypeCheck()) {
        // A failed type check counts as one failed test in the totals.
        totals.failed += 1;
        failedStages.push(stage);
      }
      continue;
    }
    if (stage === "e2e" || stage === "real") {
      requirePythonClient();
    }
    if (!runVitest(VITEST_CONFIGS[stage], reportDir, totals)) {
      failedStages.push(stage);
    }
  }
} finally {
  rmSync(reportDir, { recursive: true, force: true });
}

if (failedStages.length > 0) {
  console.log(`\nfailed stages: ${failedStages.join(", ")}`);
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
// CI adds up the totals of several runs from this file.
const totalsFile = process.env.RAPI_EDGE_TOTALS_FILE;
if (totalsFile !== undefined && totalsFile !== "") {
  appendFileSync(totalsFile, `${totals.passed} ${totals.failed} ${totals.skipped}\n`);
}
process.exit(failedStages.length > 0 ? 1 : 0);
