// Finding the object an opcode or query names, with the messages Ganeti
// gives when it is missing: cmdlib's for jobs, luxid's for queries.

import { HttpError, pyExceptionText } from "./errors.ts";
import type { OpOutcome } from "./jobs.ts";
import { prereqError } from "./opcodes.ts";
import { type ClusterState, lookupName } from "./state.ts";

export type TargetKind = "node" | "instance" | "group" | "network";

function tableOf(state: ClusterState, kind: TargetKind): ReadonlyMap<string, unknown> {
  switch (kind) {
    case "node":
      return state.nodes;
    case "instance":
      return state.instances;
    case "group":
      return state.groups;
    default:
      return state.networks;
  }
}

/** Resolves a possibly abbreviated name to the full name; undefined when missing or ambiguous. */
export function resolveName(state: ClusterState, kind: TargetKind, name: string): string | undefined {
  const lookup = lookupName(tableOf(state, kind).keys(), name);
  return lookup.kind === "found" ? lookup.name : undefined;
}

/** Returns the OpPrereqError a job ends with when its target does not exist. */
export function missingTarget(kind: TargetKind, name: string): OpOutcome {
  switch (kind) {
    case "node":
      return prereqError(`Node '${name}' not known`, "unknown_entity");
    case "instance":
      return prereqError(`Instance '${name}' not known`, "unknown_entity");
    case "group":
      return prereqError(`Node group '${name}' not found`, "unknown_entity");
    default:
      return prereqError(`Network '${name}' not found`, "unknown_entity");
  }
}

/** Runs `found` with the resolved name, or returns the job's not-found error. */
export function withTarget(
  state: ClusterState,
  kind: TargetKind,
  name: string,
  found: (fullName: string) => OpOutcome,
): OpOutcome {
  const fullName = resolveName(state, kind, name);
  return fullName === undefined ? missingTarget(kind, name) : found(fullName);
}

const QUERY_KIND_NAMES: Record<TargetKind, string> = {
  node: "Node",
  instance: "Instance",
  group: "NodeGroup",
  network: "Network",
};

/**
 * Resolves a name for a query that is not wrapped in the daemon's 404
 * handling: a missing object is an OpPrereqError that reaches the client as a
 * 500 with the exception's text.
 */
export function resolveForQuery(state: ClusterState, kind: TargetKind, name: string): string {
  const lookup = lookupName(tableOf(state, kind).keys(), name);
  if (lookup.kind === "found") {
    return lookup.name;
  }
  const problem = lookup.kind === "multiple" ? "has multiple matches" : "not found";
  throw new HttpError(500, pyExceptionText([`${QUERY_KIND_NAMES[kind]} name ${name} ${problem}`, "unknown_entity"]));
}

/** Resolves a name for GET on a single object; the daemon responds 404 when it is missing. */
export function resolveForItem(state: ClusterState, kind: TargetKind, name: string): string {
  const fullName = resolveName(state, kind, name);
  if (fullName === undefined) {
    throw new HttpError(404);
  }
  return fullName;
}

/** Raises the error luxid gives classic queries asked to lock (`lock=1`). */
export function rejectLockedQuery(locking: boolean): void {
  if (locking) {
    throw new HttpError(500, pyExceptionText(["Sync queries are not allowed", "wrong_input"]));
  }
}
