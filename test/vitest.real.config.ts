import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Suites that need a real ganeti-rapi; test/real/run.sh starts one.
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["test/real/**/*.real.test.ts"],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
