import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// End-to-end runs: real clients (Ganeti's Python client, curl) through the
// gateway in workerd, against the simulator or a real daemon.
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
