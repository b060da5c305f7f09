import type { Env } from "./config";
import type { CheckedRequest, RequestContext } from "./gateway";
import { submitWriteOnce } from "./idempotency/dispatch";
import { answerJobRequest } from "./jobs/dispatch";

/**
 * Handles at the edge the requests a Durable Object owns: job reads and
 * waits, and writes with an Idempotency-Key. Returns undefined for a request
 * that goes straight upstream.
 */
export async function dispatchAtEdge(checked: CheckedRequest, context: RequestContext, env: Env): Promise<Response | undefined> {
  return (await answerJobRequest(checked, context, env.JOB_WATCH)) ?? (await submitWriteOnce(checked, context, env.WRITE_ONCE));
}
