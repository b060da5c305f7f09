// Node group resources: /2/groups and /2/groups/[group]/... (rlib2 R_2_groups*).

import { type HandlerContext, type ResourceHandlers, param } from "./handler-context.ts";
import type { OpOutcome } from "./jobs.ts";
import { prereqError, submitOpcode, succeed } from "./opcodes.ts";
import { flagArg } from "./query-args.ts";
import { type ClusterState, type GroupRecord, epochFloat } from "./state.ts";
import { rejectLockedQuery, resolveForItem, resolveName, withTarget } from "./targets.ts";
import { tagHandlers } from "./handlers-tags.ts";
import { groupView } from "./views.ts";

function listGroups(context: HandlerContext): unknown {
  const groups = [...context.state.groups.values()].sort((left, right) => left.name.localeCompare(right.name));
  if (flagArg(context.query, "bulk")) {
    return groups.map((group) => groupView(context.state, group));
  }
  return groups.map((group) => ({ name: group.name, uri: `/2/groups/${group.name}` }));
}

function getGroup(context: HandlerContext): unknown {
  rejectLockedQuery(flagArg(context.query, "lock"));
  const fullName = resolveForItem(context.state, "group", param(context, "group"));
  const group = context.state.groups.get(fullName);
  return group === undefined ? null : groupView(context.state, group);
}

function touch(group: GroupRecord): void {
  group.serial += 1;
  group.mtime = epochFloat();
}

function addGroup(state: ClusterState, params: Readonly<Record<string, unknown>>): OpOutcome {
  const name = params.group_name;
  if (typeof name !== "string" || name === "") {
    return prereqError("Parameter 'OP_GROUP_ADD.group_name' fails validation", "wrong_input");
  }
  const existing = state.groups.get(name);
  if (existing !== undefined) {
    return prereqError(`Desired group name '${name}' already exists as a node group (UUID: ${existing.uuid})`, "already_exists");
  }
  const now = epochFloat();
  const allocPolicy = typeof params.alloc_policy === "string" ? params.alloc_policy : "preferred";
  return succeed(null, [], () => {
    state.groups.set(name, { name, uuid: state.newUuid(), allocPolicy, tags: new Set(), ctime: now, mtime: now, serial: 1 });
  });
}

/** Builds a handler submitting one opcode on the group named in the path. */
function groupOpcode(
  opId: string,
  statics: (context: HandlerContext) => Record<string, unknown>,
  start: (state: ClusterState, group: GroupRecord, params: Readonly<Record<string, unknown>>) => OpOutcome = () => succeed(),
  options: { readonly ignoresBody?: boolean; readonly rename?: Record<string, string> } = {},
): (context: HandlerContext) => number {
  return (context) => {
    const name = param(context, "group");
    return submitOpcode(context, {
      opId,
      ...(options.ignoresBody === true ? { body: {} } : {}),
      ...(options.rename === undefined ? {} : { rename: options.rename }),
      summaryTarget: name,
      statics: { group_name: name, ...statics(context) },
      start: (params) =>
        withTarget(context.state, "group", name, (fullName) => {
          const group = context.state.groups.get(fullName);
          return group === undefined ? prereqError(`Node group '${name}' not found`, "unknown_entity") : start(context.state, group, params);
        }),
    });
  };
}

function removeGroup(state: ClusterState, group: GroupRecord): OpOutcome {
  const members = [...state.nodes.values()].filter((node) => node.fields["group.uuid"] === group.uuid);
  if (members.length > 0) {
    const names = members.map((node) => String(node.fields.name)).join(", ");
    return prereqError(`Group '${group.name}' not empty, has the following node(s): ${names}`, "wrong_input");
  }
  return succeed(null, [], () => state.groups.delete(group.name));
}

function renameGroup(state: ClusterState, group: GroupRecord, params: Readonly<Record<string, unknown>>): OpOutcome {
  const newName = params.new_name;
  if (typeof newName !== "string" || newName === "") {
    return prereqError("Parameter 'OP_GROUP_RENAME.new_name' fails validation", "wrong_input");
  }
  if (state.groups.has(newName)) {
    return prereqError(`Desired new name '${newName}' clashes with existing node group`, "already_exists");
  }
  return succeed(newName, [], () => {
    state.groups.delete(group.name);
    group.name = newName;
    touch(group);
    state.groups.set(newName, group);
  });
}

function assignNodes(state: ClusterState, group: GroupRecord, params: Readonly<Record<string, unknown>>): OpOutcome {
  const requested = Array.isArray(params.nodes) ? params.nodes.map(String) : [];
  const fullNames: string[] = [];
  for (const name of requested) {
    const fullName = resolveName(state, "node", name);
    if (fullName === undefined) {
      return prereqError(`Node '${name}' not known`, "unknown_entity");
    }
    fullNames.push(fullName);
  }
  return succeed(null, [], () => {
    for (const fullName of fullNames) {
      const node = state.nodes.get(fullName);
      if (node !== undefined) {
        node.fields["group.uuid"] = group.uuid;
      }
    }
    touch(group);
  });
}

export const GROUP_HANDLERS: Readonly<Record<string, ResourceHandlers>> = {
  "/2/groups": {
    GET: listGroups,
    POST: (context) =>
      submitOpcode(context, {
        opId: "OP_GROUP_ADD",
        rename: { name: "group_name" },
        statics: { dry_run: flagArg(context.query, "dry-run") },
        start: (params) => addGroup(context.state, params),
      }),
  },
  "/2/groups/[group]": {
    GET: getGroup,
    DELETE: groupOpcode("OP_GROUP_REMOVE", (context) => ({ dry_run: flagArg(context.query, "dry-run") }), removeGroup, {
      ignoresBody: true,
    }),
  },
  "/2/groups/[group]/modify": {
    PUT: groupOpcode(
      "OP_GROUP_SET_PARAMS",
      () => ({}),
      (_state, group, params) =>
        succeed(null, [], () => {
          if (typeof params.alloc_policy === "string") {
            group.allocPolicy = params.alloc_policy;
          }
          touch(group);
        }),
      { rename: { custom_ndparams: "ndparams", custom_ipolicy: "ipolicy", custom_diskparams: "diskparams" } },
    ),
  },
  "/2/groups/[group]/rename": {
    PUT: groupOpcode("OP_GROUP_RENAME", (context) => ({ dry_run: flagArg(context.query, "dry-run") }), renameGroup),
  },
  "/2/groups/[group]/assign-nodes": {
    PUT: groupOpcode(
      "OP_GROUP_ASSIGN_NODES",
      (context) => ({ dry_run: flagArg(context.query, "dry-run"), force: flagArg(context.query, "force") }),
      assignNodes,
    ),
  },
  "/2/groups/[group]/tags": tagHandlers("nodegroup", "group"),
};
