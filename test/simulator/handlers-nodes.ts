// Node resources: /2/nodes and /2/nodes/[node]/... (rlib2 R_2_nodes*).

import { HttpError } from "./errors.ts";
import { type HandlerContext, type ResourceHandlers, checkType, param } from "./handler-context.ts";
import type { OpOutcome } from "./jobs.ts";
import { prereqError, submitOpcode, succeed } from "./opcodes.ts";
import { flagArg, intArg, stringArg } from "./query-args.ts";
import { resolveForItem, resolveForQuery, rejectLockedQuery, withTarget } from "./targets.ts";
import { tagHandlers } from "./handlers-tags.ts";
import { NODE_ROLE_NAMES, nodeView } from "./views.ts";

function nodeFields(context: HandlerContext, fullName: string): Record<string, unknown> {
  const node = context.state.nodes.get(fullName);
  if (node === undefined) {
    throw new HttpError(404);
  }
  return nodeView(context.state, node);
}

function listNodes(context: HandlerContext): unknown {
  const names = [...context.state.nodes.keys()].sort();
  if (flagArg(context.query, "bulk")) {
    return names.map((name) => nodeFields(context, name));
  }
  return names.map((name) => ({ id: name, uri: `/2/nodes/${name}` }));
}

function getNode(context: HandlerContext): unknown {
  rejectLockedQuery(flagArg(context.query, "lock"));
  const fields = nodeFields(context, resolveForItem(context.state, "node", param(context, "node")));
  // rlib2 R_2_nodes_name.GET_ALIASES
  return { ...fields, secondary_ip: fields.sip };
}

function getRole(context: HandlerContext): unknown {
  rejectLockedQuery(flagArg(context.query, "lock"));
  const fullName = resolveForQuery(context.state, "node", param(context, "node"));
  return NODE_ROLE_NAMES[String(nodeFields(context, fullName).role)] ?? null;
}

/** Flags rlib2 sets for each role name PUT to /2/nodes/[node]/role. */
const ROLE_FLAGS: Readonly<Record<string, readonly [boolean | null, boolean | null, boolean | null]>> = {
  regular: [false, false, false],
  "master-candidate": [true, null, null],
  drained: [null, null, true],
  offline: [null, true, null],
};

const ROLE_LETTERS: Readonly<Record<string, string>> = {
  regular: "R",
  "master-candidate": "C",
  drained: "D",
  offline: "O",
};

function setRole(context: HandlerContext): number {
  checkType(context.body, "str", "Body contents");
  const role = String(context.body);
  const flags = ROLE_FLAGS[role];
  if (flags === undefined) {
    throw new HttpError(400, `Can't set '${role}' role`);
  }

  const name = param(context, "node");
  const [candidate, offline, drained] = flags;
  const start = (): OpOutcome =>
    withTarget(context.state, "node", name, (fullName) => {
      if (fullName === context.state.masterNode) {
        return prereqError("The master role can be changed only via master-failover", "wrong_input");
      }
      return succeed(null, [], () => {
        const node = context.state.nodes.get(fullName);
        if (node !== undefined) {
          Object.assign(node.fields, {
            master_candidate: candidate === true,
            offline: offline === true,
            drained: drained === true,
            role: ROLE_LETTERS[role],
          });
        }
      });
    });

  return submitOpcode(context, {
    opId: "OP_NODE_SET_PARAMS",
    body: {},
    summaryTarget: name,
    statics: {
      node_name: name,
      master_candidate: candidate,
      offline,
      drained,
      force: flagArg(context.query, "force"),
      auto_promote: flagArg(context.query, "auto-promote"),
    },
    start,
  });
}

/** Builds a handler submitting a node opcode whose job only needs the node to exist. */
function nodeOpcode(
  opId: string,
  statics: (context: HandlerContext) => Record<string, unknown>,
  options: { readonly emptyBody?: boolean; readonly result?: unknown } = {},
): (context: HandlerContext) => number {
  return (context) => {
    const name = param(context, "node");
    return submitOpcode(context, {
      opId,
      ...(options.emptyBody === true ? { body: {} } : {}),
      summaryTarget: name,
      statics: { node_name: name, ...statics(context) },
      start: () => withTarget(context.state, "node", name, () => succeed(options.result ?? null)),
    });
  };
}

function migrateStatics(context: HandlerContext): Record<string, unknown> {
  if (context.query.size === 0) {
    return {};
  }
  if (context.query.has("live") && context.query.has("mode")) {
    throw new HttpError(400, "Only one of 'live' and 'mode' should be passed");
  }
  if (context.query.has("live")) {
    return { mode: intArg(context.query, "live", 1) !== 0 ? "live" : "non-live" };
  }
  return { mode: stringArg(context.query, "mode") ?? null };
}

function requiredStorageName(context: HandlerContext): string {
  const name = stringArg(context.query, "name");
  if (name === undefined) {
    throw new HttpError(400, "Missing the required 'name' parameter");
  }
  return name;
}

export const NODE_HANDLERS: Readonly<Record<string, ResourceHandlers>> = {
  "/2/nodes": { GET: listNodes },
  "/2/nodes/[node]": { GET: getNode },
  "/2/nodes/[node]/powercycle": {
    POST: nodeOpcode("OP_NODE_POWERCYCLE", (context) => ({ force: flagArg(context.query, "force") })),
  },
  "/2/nodes/[node]/tags": tagHandlers("node", "node"),
  "/2/nodes/[node]/role": { GET: getRole, PUT: setRole },
  "/2/nodes/[node]/evacuate": {
    POST: nodeOpcode("OP_NODE_EVACUATE", (context) => ({ dry_run: flagArg(context.query, "dry-run") }), { result: [] }),
  },
  "/2/nodes/[node]/migrate": {
    POST: (context) => {
      // Old-style query arguments replace the body entirely.
      const statics = migrateStatics(context);
      const handler = nodeOpcode("OP_NODE_MIGRATE", () => ({}), { result: [] });
      return context.query.size === 0 ? handler(context) : handler({ ...context, body: statics });
    },
  },
  "/2/nodes/[node]/modify": { POST: nodeOpcode("OP_NODE_SET_PARAMS", () => ({})) },
  "/2/nodes/[node]/storage": {
    GET: (context) => {
      const outputFields = stringArg(context.query, "output_fields");
      if (outputFields === undefined) {
        throw new HttpError(400, "Missing the required 'output_fields' parameter");
      }
      const name = param(context, "node");
      return submitOpcode(context, {
        opId: "OP_NODE_QUERY_STORAGE",
        body: {},
        statics: {
          nodes: [name],
          storage_type: stringArg(context.query, "storage_type") ?? null,
          output_fields: outputFields.split(","),
        },
        start: () => withTarget(context.state, "node", name, () => succeed([])),
      });
    },
  },
  "/2/nodes/[node]/storage/modify": {
    PUT: nodeOpcode(
      "OP_NODE_MODIFY_STORAGE",
      (context) => ({
        storage_type: stringArg(context.query, "storage_type") ?? null,
        name: requiredStorageName(context),
        changes: context.query.has("allocatable") ? { allocatable: flagArg(context.query, "allocatable", 1) } : {},
      }),
      { emptyBody: true },
    ),
  },
  "/2/nodes/[node]/storage/repair": {
    PUT: nodeOpcode(
      "OP_REPAIR_NODE_STORAGE",
      (context) => ({
        storage_type: stringArg(context.query, "storage_type") ?? null,
        name: requiredStorageName(context),
      }),
      { emptyBody: true },
    ),
  },
};
