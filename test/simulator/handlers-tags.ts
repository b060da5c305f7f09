// Tag resources of the cluster, nodes, instances, groups and networks
// (rlib2 _R_Tags): GET lists tags, PUT and DELETE submit OP_TAGS_SET and
// OP_TAGS_DEL jobs with the `tag` query arguments.

import { type HandlerContext, type ResourceHandlers, param } from "./handler-context.ts";
import type { OpOutcome } from "./jobs.ts";
import { prereqError, submitOpcode, succeed } from "./opcodes.ts";
import { flagArg } from "./query-args.ts";
import type { ClusterState } from "./state.ts";
import { type TargetKind, resolveForQuery, withTarget } from "./targets.ts";
import { sortedTags } from "./views.ts";

/** Ganeti's tag kinds (constants.TAG_*) and the object kind each names. */
const TAG_KINDS = {
  cluster: undefined,
  node: "node",
  instance: "instance",
  nodegroup: "group",
  network: "network",
} as const satisfies Record<string, TargetKind | undefined>;

export type TagKind = keyof typeof TAG_KINDS;

const MAX_TAG_LENGTH = 128;
// objects.TaggableObject.VALID_TAG_RE, with Python's Unicode-aware \w.
const VALID_TAG = /^[\p{L}\p{N}_.+*/:@-]+$/u;

function tagsOf(state: ClusterState, kind: TargetKind | undefined, fullName: string): Set<string> {
  switch (kind) {
    case undefined:
      return state.clusterTags;
    case "node":
      return state.nodes.get(fullName)?.tags ?? new Set();
    case "instance":
      return state.instances.get(fullName)?.tags ?? new Set();
    case "group":
      return state.groups.get(fullName)?.tags ?? new Set();
    default:
      return state.networks.get(fullName)?.tags ?? new Set();
  }
}

/** Returns the TagError message for an invalid tag, as objects.TaggableObject.ValidateTag does. */
function tagProblem(tag: string): string | undefined {
  if (tag.length > MAX_TAG_LENGTH) {
    return `Tag too long (>${MAX_TAG_LENGTH} characters)`;
  }
  if (tag === "") {
    return "Tags cannot be empty";
  }
  return VALID_TAG.test(tag) ? undefined : "Tag contains invalid characters";
}

function changeTags(target: Set<string>, tags: readonly string[], adding: boolean): OpOutcome {
  for (const tag of tags) {
    const problem = tagProblem(tag);
    if (problem !== undefined) {
      return { kind: "error", errorClass: "TagError", args: [problem] };
    }
  }

  if (adding) {
    return succeed(null, [], () => tags.forEach((tag) => target.add(tag)));
  }
  const missing = [...new Set(tags)].filter((tag) => !target.has(tag)).sort();
  if (missing.length > 0) {
    return prereqError(`Tag(s) ${missing.map((tag) => `'${tag}'`).join(", ")} not found`, "unknown_entity");
  }
  return succeed(null, [], () => tags.forEach((tag) => target.delete(tag)));
}

/** Builds the GET, PUT and DELETE handlers of one kind's tag resource. */
export function tagHandlers(kind: TagKind, nameParam?: string): ResourceHandlers {
  const targetKind = TAG_KINDS[kind];
  const objectName = (context: HandlerContext): string | undefined =>
    nameParam === undefined ? undefined : param(context, nameParam);

  const submit = (context: HandlerContext, adding: boolean): number => {
    const name = objectName(context);
    const tags = [...(context.query.get("tag") ?? [])];
    const start = (): OpOutcome =>
      targetKind === undefined || name === undefined
        ? changeTags(context.state.clusterTags, tags, adding)
        : withTarget(context.state, targetKind, name, (fullName) =>
            changeTags(tagsOf(context.state, targetKind, fullName), tags, adding),
          );
    return submitOpcode(context, {
      opId: adding ? "OP_TAGS_SET" : "OP_TAGS_DEL",
      // The daemon ignores the body here (GetPutOpInput returns an empty one).
      body: {},
      statics: { kind, ...(name === undefined ? {} : { name }), tags, dry_run: flagArg(context.query, "dry-run") },
      start,
    });
  };

  return {
    GET: (context) => {
      const name = objectName(context);
      if (targetKind === undefined || name === undefined) {
        return sortedTags(context.state.clusterTags);
      }
      const fullName = resolveForQuery(context.state, targetKind, name);
      return sortedTags(tagsOf(context.state, targetKind, fullName));
    },
    PUT: (context) => submit(context, true),
    DELETE: (context) => submit(context, false),
  };
}
