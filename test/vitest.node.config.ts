import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests that run in plain Node (no workerd), such as the RAPI simulator's.
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    environment: "node",
    include: ["test/**/*.node.test.ts"],
  },
});
