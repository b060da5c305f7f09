// Instance collection and item resources: list, create, get, delete, info,
// console and tags (rlib2 R_2_instances, R_2_instances_name*).

import { HttpError } from "./errors.ts";
import { type HandlerContext, type ResourceHandlers, param } from "./handler-context.ts";
import { createInstance } from "./instance-create.ts";
import { submitOpcode, succeed } from "./opcodes.ts";
import { flagArg } from "./query-args.ts";
import type { InstanceRecord } from "./state.ts";
import { rejectLockedQuery, resolveForItem, resolveForQuery, withTarget } from "./targets.ts";
import { tagHandlers } from "./handlers-tags.ts";
import { instanceView } from "./views.ts";

function requireInstance(context: HandlerContext, fullName: string): InstanceRecord {
  const instance = context.state.instances.get(fullName);
  if (instance === undefined) {
    throw new HttpError(404);
  }
  return instance;
}

function listInstances(context: HandlerContext): unknown {
  rejectLockedQuery(flagArg(context.query, "lock"));
  const names = [...context.state.instances.keys()].sort();
  if (flagArg(context.query, "bulk")) {
    return names.map((name) => instanceView(context.state, requireInstance(context, name)));
  }
  return names.map((name) => ({ id: name, uri: `/2/instances/${name}` }));
}

function getInstance(context: HandlerContext): unknown {
  rejectLockedQuery(flagArg(context.query, "lock"));
  const fullName = resolveForItem(context.state, "instance", param(context, "instance"));
  return instanceView(context.state, requireInstance(context, fullName));
}

function deleteInstance(context: HandlerContext): number {
  const name = param(context, "instance");
  return submitOpcode(context, {
    opId: "OP_INSTANCE_REMOVE",
    summaryTarget: name,
    statics: { instance_name: name, ignore_failures: false, dry_run: flagArg(context.query, "dry-run") },
    start: () =>
      withTarget(context.state, "instance", name, (fullName) =>
        succeed(null, [], () => context.state.instances.delete(fullName)),
      ),
  });
}

/** Builds the per-instance details OP_INSTANCE_QUERY_DATA returns. */
function instanceDetails(context: HandlerContext, instance: InstanceRecord): Record<string, unknown> {
  const view = instanceView(context.state, instance);
  return {
    name: instance.name,
    config_state: instance.adminUp ? "up" : "down",
    run_state: instance.adminUp ? "up" : "down",
    pnode: instance.pnode,
    snodes: [],
    os: instance.os,
    network_port: null,
    disk_template: instance.diskTemplate,
    uuid: instance.uuid,
    hypervisor: "fake",
    hv_instance: view.hvparams,
    be_instance: view.custom_beparams,
    be_actual: view.beparams,
    disks: instance.disks.map((disk, index) => ({ iv_name: `disk/${index}`, size: disk.size, uuid: disk.uuid, name: disk.name })),
    nics: instance.nics.map((nic) => [nic.ip, nic.mac, nic.mode, nic.link, nic.network]),
    tags: view.tags,
    ctime: instance.ctime,
    mtime: instance.mtime,
  };
}

function queryInstanceData(context: HandlerContext): number {
  const name = param(context, "instance");
  return submitOpcode(context, {
    opId: "OP_INSTANCE_QUERY_DATA",
    body: {},
    statics: { instances: [name], static: flagArg(context.query, "static") },
    start: () =>
      withTarget(context.state, "instance", name, (fullName) =>
        succeed({ [fullName]: instanceDetails(context, requireInstance(context, fullName)) }),
      ),
  });
}

function getConsole(context: HandlerContext): unknown {
  const fullName = resolveForQuery(context.state, "instance", param(context, "instance"));
  const instance = requireInstance(context, fullName);
  if (!instance.adminUp) {
    throw new HttpError(503, "Instance console unavailable");
  }
  return { instance: fullName, kind: "message", message: "Console not available for fake hypervisor" };
}

export const INSTANCE_HANDLERS: Readonly<Record<string, ResourceHandlers>> = {
  "/2/instances": { GET: listInstances, POST: createInstance },
  "/2/instances/[instance]": { GET: getInstance, DELETE: deleteInstance },
  "/2/instances/[instance]/info": { GET: queryInstanceData },
  "/2/instances/[instance]/tags": tagHandlers("instance", "instance"),
  "/2/instances/[instance]/console": { GET: getConsole },
};
