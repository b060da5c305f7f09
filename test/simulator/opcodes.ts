// Opcode resources: rlib2 handlers that fill an opcode from the body and
// static values (baserlib.FillOpcode) and submit it as a job.

import { HttpError } from "./errors.ts";
import { type HandlerContext, checkType } from "./handler-context.ts";
import type { OpDefinition, OpOutcome } from "./jobs.ts";
import { isPyDict } from "./py-json.ts";
import { stringArg } from "./query-args.ts";

export interface OpcodeRequest {
  readonly opId: string;
  /** Parameters set by the resource itself; the body may not override them. */
  readonly statics?: Readonly<Record<string, unknown>>;
  /** Body parameter renames, old name -> new name (rlib2 *_RENAME). */
  readonly rename?: Readonly<Record<string, string>>;
  /** Body to fill from; defaults to the request body. */
  readonly body?: unknown;
  readonly summaryTarget?: string | undefined;
  readonly start: (params: Readonly<Record<string, unknown>>) => OpOutcome;
}

function pySetRepr(names: readonly string[]): string {
  return `{${[...names].sort().map((name) => `'${name}'`).join(", ")}}`;
}

/**
 * Fills opcode parameters like baserlib.FillOpcode: the body must be a dict
 * (or absent), renamed parameters may not appear under both names, and the
 * body may not set a static parameter, `reason` included.
 * NOTE: opcode parameter types are not validated beyond what handlers check.
 */
export function fillOpcodeParams(request: OpcodeRequest, body: unknown): Record<string, unknown> {
  let params: Record<string, unknown> = {};
  if (body !== null) {
    checkType(body, "dict", "Body contents");
    params = { ...(body as Record<string, unknown>) };
  }

  for (const [oldName, newName] of Object.entries(request.rename ?? {})) {
    if (Object.hasOwn(params, oldName) && Object.hasOwn(params, newName)) {
      throw new HttpError(400, `Parameter '${oldName}' was renamed to '${newName}', but both are specified`);
    }
    if (Object.hasOwn(params, oldName)) {
      params[newName] = params[oldName];
      delete params[oldName];
    }
  }

  const statics = { reason: null, ...request.statics };
  const overwritten = Object.keys(params).filter((name) => Object.hasOwn(statics, name));
  if (overwritten.length > 0) {
    throw new HttpError(400, `Can't overwrite static parameters ${pySetRepr(overwritten)}`);
  }

  const { reason: _reason, ...ownStatics } = statics;
  return { ...params, ...ownStatics };
}

/** Fills the opcode, submits it as a one-opcode job and returns the job id. */
export function submitOpcode(context: HandlerContext, request: OpcodeRequest): number {
  const body = request.body === undefined ? context.body : request.body;
  const params = fillOpcodeParams(request, body);
  return submitDefinitions(context, [
    { opId: request.opId, params, summaryTarget: request.summaryTarget, start: () => request.start(params) },
  ]);
}

/** Submits opcodes as one job with the request's reason trail; returns the job id. */
export function submitDefinitions(context: HandlerContext, definitions: readonly OpDefinition[]): number {
  const userReason = stringArg(context.query, "reason");
  const libraryReason = [`gnt:library:rlib2:${context.resource.rapiName}`, ""] as const;
  const reasonTrail = userReason === undefined ? [libraryReason] : [["gnt:user", userReason] as const, libraryReason];
  return context.jobs.submit(definitions, { reasonTrail });
}

export function succeed(result: unknown = null, logs: readonly string[] = [], apply?: () => void): OpOutcome {
  return apply === undefined ? { kind: "success", result, logs } : { kind: "success", result, logs, apply };
}

/** Returns an OpPrereqError outcome with Ganeti's error code, e.g. `unknown_entity`. */
export function prereqError(message: string, code: "unknown_entity" | "wrong_input" | "already_exists"): OpOutcome {
  return { kind: "error", errorClass: "OpPrereqError", args: [message, code] };
}

/** Reads an optional dict-valued body parameter, treating anything else as absent. */
export function dictParam(params: Readonly<Record<string, unknown>>, name: string): Record<string, unknown> {
  const value = params[name];
  return isPyDict(value) ? value : {};
}
