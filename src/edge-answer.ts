/**
 * Results the Durable Objects return to the Worker. They cross an RPC
 * boundary, which keeps plain data only (a RapiError would arrive as a bare
 * Error), so errors travel as data and become RapiErrors again here.
 */
import { upstreamToResponse } from "./gateway";
import { RapiError, type RapiErrorStatus } from "./rapi/errors";

export type EdgeAnswer =
  /** The daemon's response, passed on as forwardToUpstream would pass it; `elapsedMs` is null for a stored one. */
  | { readonly kind: "upstream"; readonly status: number; readonly contentType: string | null; readonly body: ArrayBuffer; readonly elapsedMs: number | null }
  /** A 200 JSON response made at the edge. */
  | { readonly kind: "json"; readonly text: string }
  /** An error in RAPI's shape; `detail` is for the log only. */
  | { readonly kind: "error"; readonly status: RapiErrorStatus; readonly message: string; readonly detail: string | undefined };

/** Turns a RapiError into an answer; any other error is a defect and is thrown again. */
export function errorAnswer(error: unknown): EdgeAnswer {
  if (error instanceof RapiError) {
    return { kind: "error", status: error.status, message: error.message, detail: error.detail };
  }
  throw error;
}

/** Builds the client's response from an answer, throwing RapiError for errors; `headers` go on either. */
export function answerToResponse(answer: EdgeAnswer, log: { upstreamMs?: number }, headers: Readonly<Record<string, string>> = {}): Response {
  let response: Response;
  switch (answer.kind) {
    case "upstream":
      if (answer.elapsedMs !== null) {
        log.upstreamMs = answer.elapsedMs;
      }
      response = upstreamToResponse({ status: answer.status, contentType: answer.contentType, body: answer.body, elapsedMs: answer.elapsedMs ?? 0 });
      break;
    case "json":
      response = new Response(answer.text, { status: 200, headers: { "Content-Type": "application/json" } });
      break;
    case "error":
      throw new RapiError(answer.status, answer.message, { headers: { ...headers }, ...(answer.detail === undefined ? {} : { detail: answer.detail }) });
  }

  for (const [name, value] of Object.entries(headers)) {
    response.headers.set(name, value);
  }
  return response;
}
