// Cluster-wide resources: /, /2, /version, /2/info, /2/features, /2/os,
// /2/tags, /2/redistribute-config, /2/modify and /2/instances-multi-alloc.

import { HttpError } from "./errors.ts";
import type { HandlerContext, ResourceHandlers } from "./handler-context.ts";
import { submitOpcode, succeed } from "./opcodes.ts";
import { isPyDict, pyTypeName } from "./py-json.ts";
import { flagArg } from "./query-args.ts";
import { tagHandlers } from "./handlers-tags.ts";
import { infoView } from "./views.ts";

/** RAPI version of ganeti-rapi 2.x and 3.x (constants.RAPI_VERSION). */
const RAPI_VERSION = 2;

// rlib2 R_2_cluster_modify.PUT_FORBIDDEN
const CLUSTER_MODIFY_FORBIDDEN = ["compression_tools"];

function modifyCluster(context: HandlerContext): number {
  // baserlib._ForbiddenHandler checks query arguments, then the body.
  const bodyNames = isPyDict(context.body) ? Object.keys(context.body) : [];
  for (const name of [...context.query.keys(), ...bodyNames]) {
    if (CLUSTER_MODIFY_FORBIDDEN.includes(name)) {
      throw new HttpError(403, `The parameter ${name} cannot be set via RAPI`);
    }
  }
  return submitOpcode(context, { opId: "OP_CLUSTER_SET_PARAMS", start: () => succeed() });
}

function allocateInstances(context: HandlerContext): number {
  // rlib2 tests `"instances" in body` before anything else, so non-dict
  // bodies fail with Python's own TypeError or AttributeError texts.
  const body = context.body;
  let hasInstances: boolean;
  if (isPyDict(body)) {
    hasInstances = Object.hasOwn(body, "instances");
  } else if (Array.isArray(body) || typeof body === "string") {
    hasInstances = body.includes("instances");
  } else {
    throw new HttpError(500, `argument of type '${pyTypeName(body)}' is not iterable`);
  }

  if (!hasInstances) {
    throw new HttpError(400, "Request is missing required 'instances' field in body");
  }
  if (!isPyDict(body)) {
    throw new HttpError(500, `'${pyTypeName(body)}' object has no attribute 'update'`);
  }
  // NOTE: the instances' own opcodes are not validated.
  return submitOpcode(context, {
    opId: "OP_INSTANCE_MULTI_ALLOC",
    statics: { dry_run: flagArg(context.query, "dry-run") },
    start: () => succeed({ allocatable: [], failed: [], jobs: [] }),
  });
}

export const CLUSTER_HANDLERS: Readonly<Record<string, ResourceHandlers>> = {
  "/": { GET: () => null },
  "/2": { GET: () => null },
  "/version": { GET: () => RAPI_VERSION },
  "/2/info": { GET: (context) => infoView(context.state) },
  "/2/features": { GET: (context) => [...context.state.features] },
  // NOTE: the daemon runs an OS diagnose job to build /2/os; the simulator
  // returns the list at once and submits no job.
  "/2/os": { GET: (context) => [...context.state.osNames] },
  "/2/tags": tagHandlers("cluster"),
  "/2/redistribute-config": {
    PUT: (context) => submitOpcode(context, { opId: "OP_CLUSTER_REDIST_CONF", start: () => succeed() }),
  },
  "/2/modify": { PUT: modifyCluster },
  "/2/instances-multi-alloc": { POST: allocateInstances },
};
