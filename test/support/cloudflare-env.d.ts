// Types of `env` and `exports` from "cloudflare:workers" in the workerd suites.
import "vitest";
import type { Env as GatewayEnv } from "../../src/config";

declare global {
  namespace Cloudflare {
    interface Env extends GatewayEnv {}
    interface GlobalProps {
      mainModule: typeof import("../../src/index");
      durableNamespaces: "JobWatch" | "WriteOnce";
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    simulatorUrl: string;
  }
}
