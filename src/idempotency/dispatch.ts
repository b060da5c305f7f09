import { answerToResponse } from "../edge-answer";
import type { CheckedRequest, RequestContext } from "../gateway";
import { RapiError } from "../rapi/errors";
import { fingerprintWrite, parseIdempotencyKey, writeOnceName } from "./key";
import type { WriteOnce, WriteOnceResult } from "./write-once";

export const REPLAYED_HEADER = "Idempotent-Replayed";

/**
 * Sends a write that carries an Idempotency-Key through the WriteOnce object
 * of its user and key; returns undefined for every other request. Only
 * requests that need the `write` option count as writes, so a key on
 * `PUT /2/query/...` is ignored.
 */
export async function submitWriteOnce(checked: CheckedRequest, context: RequestContext, namespace: DurableObjectNamespace<WriteOnce>): Promise<Response | undefined> {
  if (checked.idempotencyKey === null || checked.access !== "write" || checked.method === "GET") {
    return undefined;
  }
  const key = parseIdempotencyKey(checked.idempotencyKey);
  // Write access always comes with a user; the check keeps the types honest.
  if (key === null || checked.identity.kind !== "user") {
    return undefined;
  }

  const fingerprint = await fingerprintWrite(checked.method, checked.target.raw, checked.body);
  const stub = namespace.get(namespace.idFromName(writeOnceName(checked.identity.name, key)));
  let result: WriteOnceResult;
  try {
    result = await stub.submit({
      fingerprint,
      method: checked.method,
      target: checked.target.raw,
      access: checked.access,
      body: checked.body.kind === "json" ? checked.body.text : undefined,
      requestId: context.requestId,
      userAgent: checked.userAgent,
    });
  } catch (error) {
    throw new RapiError(503, undefined, { detail: `write-once object failed: ${String(error)}` });
  }

  return answerToResponse(result.answer, context.log, result.replayed ? { [REPLAYED_HEADER]: "true" } : {});
}
