import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { GATEWAY_TEST_VARS } from "./support/test-users.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

// Tests run inside workerd with the bindings of wrangler.toml (real KV and
// Durable Objects); the upstream is a RAPI simulator that the global setup
// starts in Node on loopback.
export default defineConfig({
  root,
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: `${root}wrangler.toml` },
      miniflare: {
        bindings: { ...GATEWAY_TEST_VARS, UPSTREAM_URL: inject("simulatorUrl") as string },
      },
    })),
  ],
  test: {
    include: ["test/**/*.workers.test.ts"],
    globalSetup: ["test/support/simulator-setup.ts"],
    testTimeout: 30_000,
  },
});
