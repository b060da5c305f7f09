// Operations on one instance that submit jobs: startup, shutdown, reboot,
// reinstall, disks, export, migration, rename and modify.

import { HttpError } from "./errors.ts";
import { type HandlerContext, type ResourceHandlers, param } from "./handler-context.ts";
import type { OpDefinition, OpOutcome } from "./jobs.ts";
import { dictParam, prereqError, submitDefinitions, submitOpcode, succeed } from "./opcodes.ts";
import { isPyDict, pyNumber, pyTypeName } from "./py-json.ts";
import { flagArg, stringArg } from "./query-args.ts";
import { CLUSTER_DOMAIN, type ClusterState, type InstanceRecord, epochFloat } from "./state.ts";
import { withTarget } from "./targets.ts";

type InstanceStart = (state: ClusterState, instance: InstanceRecord, params: Readonly<Record<string, unknown>>) => OpOutcome;

interface InstanceOpcode {
  readonly opId: string;
  /** Whether the handler ignores the request body (rlib2 passes `{}`). */
  readonly ignoresBody?: boolean;
  readonly rename?: Readonly<Record<string, string>>;
  readonly statics?: (context: HandlerContext) => Record<string, unknown>;
  /** Runs on the existing instance when the job starts; succeeds with null by default. */
  readonly start?: InstanceStart;
}

function touch(instance: InstanceRecord): void {
  instance.serial += 1;
  instance.mtime = epochFloat();
}

/** Builds a handler submitting one opcode on the instance named in the path. */
function instanceOpcode(spec: InstanceOpcode): (context: HandlerContext) => number {
  return (context) => {
    const name = param(context, "instance");
    return submitOpcode(context, {
      opId: spec.opId,
      ...(spec.ignoresBody === true ? { body: {} } : {}),
      ...(spec.rename === undefined ? {} : { rename: spec.rename }),
      summaryTarget: name,
      statics: { instance_name: name, ...spec.statics?.(context) },
      start: (params) =>
        withTarget(context.state, "instance", name, (fullName) => {
          const instance = context.state.instances.get(fullName);
          if (instance === undefined) {
            return prereqError(`Instance '${name}' not known`, "unknown_entity");
          }
          return spec.start?.(context.state, instance, params) ?? succeed();
        }),
    });
  };
}

function setAdminState(up: boolean): InstanceStart {
  return (_state, instance, params) =>
    succeed(null, [], () => {
      if (params.no_remember !== true) {
        instance.adminUp = up;
        touch(instance);
      }
    });
}

/** Handles POST reinstall: a shutdown, reinstall and (by default) startup job (rlib2 R_2_instances_name_reinstall). */
function reinstall(context: HandlerContext): number {
  const name = param(context, "instance");
  let body: unknown;
  if (isTruthy(context.body)) {
    if (context.query.size > 0) {
      throw new HttpError(400, "Can't combine query and body parameters");
    }
    body = context.body;
  } else if (context.query.size > 0) {
    body = { os: stringArg(context.query, "os") ?? null, start: !flagArg(context.query, "nostartup") };
  } else {
    body = {};
  }

  if (!isPyDict(body)) {
    throw new HttpError(400, "Invalid body contents, not a dictionary");
  }
  const start = body.start ?? true;
  if (typeof start !== "boolean") {
    throw new HttpError(400, `'start' parameter: Type is '${pyTypeName(start)}', but 'bool' is expected`);
  }

  const onInstance = (apply: (instance: InstanceRecord) => void): (() => OpOutcome) => () =>
    withTarget(context.state, "instance", name, (fullName) =>
      succeed(null, [], () => {
        const instance = context.state.instances.get(fullName);
        if (instance !== undefined) {
          apply(instance);
          touch(instance);
        }
      }),
    );
  const definitions: OpDefinition[] = [
    { opId: "OP_INSTANCE_SHUTDOWN", params: { instance_name: name }, summaryTarget: name, start: onInstance((instance) => (instance.adminUp = false)) },
    {
      opId: "OP_INSTANCE_REINSTALL",
      params: { instance_name: name, os_type: body.os ?? null, osparams: body.osparams ?? null },
      summaryTarget: name,
      start: onInstance((instance) => {
        if (typeof body.os === "string") {
          instance.os = body.os;
        }
      }),
    },
  ];
  if (start) {
    definitions.push({ opId: "OP_INSTANCE_STARTUP", params: { instance_name: name, force: false }, summaryTarget: name, start: onInstance((instance) => (instance.adminUp = true)) });
  }
  return submitDefinitions(context, definitions);
}

/** Python truthiness of a parsed JSON body. */
function isTruthy(value: unknown): boolean {
  if (value === null || value === false || value === "" || value === 0) {
    return false;
  }
  if (Array.isArray(value)) {
    return value.length > 0;
  }
  if (isPyDict(value)) {
    return Object.keys(value).length > 0;
  }
  return pyNumber(value) !== 0;
}

/** Handles PUT modify, which copies the body before anything else (rlib2 R_2_instances_name_modify). */
function modify(context: HandlerContext): number {
  const body = context.body;
  if (Array.isArray(body)) {
    throw new HttpError(500, "list indices must be integers or slices, not str");
  }
  if (!isPyDict(body)) {
    throw new HttpError(500, `'${pyTypeName(body)}' object has no attribute 'copy'`);
  }
  return instanceOpcode({
    opId: "OP_INSTANCE_SET_PARAMS",
    rename: { custom_beparams: "beparams", custom_hvparams: "hvparams" },
    start: (_state, instance, params) =>
      succeed(null, [], () => {
        const { memory, ...beparams } = dictParam(params, "beparams");
        Object.assign(instance.customBeparams, memory === undefined ? beparams : { minmem: memory, maxmem: memory, ...beparams });
        Object.assign(instance.customHvparams, dictParam(params, "hvparams"));
        if (typeof params.os_name === "string") {
          instance.os = params.os_name;
        }
        touch(instance);
      }),
  })(context);
}

function rename(state: ClusterState, instance: InstanceRecord, params: Readonly<Record<string, unknown>>): OpOutcome {
  const requested = params.new_name;
  if (typeof requested !== "string" || requested === "") {
    return prereqError("Parameter 'OP_INSTANCE_RENAME.new_name' fails validation", "wrong_input");
  }
  const newName = params.name_check !== false && !requested.includes(".") ? `${requested}.${CLUSTER_DOMAIN}` : requested;
  if (state.instances.has(newName)) {
    return prereqError(`Instance '${newName}' is already in the cluster`, "already_exists");
  }
  return succeed(newName, [], () => {
    state.instances.delete(instance.name);
    instance.name = newName;
    touch(instance);
    state.instances.set(newName, instance);
  });
}

function growDisk(_state: ClusterState, instance: InstanceRecord, params: Readonly<Record<string, unknown>>): OpOutcome {
  const index = Number(params.disk);
  const disk = instance.disks[index];
  const amount = pyNumber(params.amount);
  if (amount === undefined) {
    return prereqError("Parameter 'OP_INSTANCE_GROW_DISK.amount' fails validation", "wrong_input");
  }
  if (disk === undefined) {
    return prereqError(`Invalid disk index: ${index}`, "wrong_input");
  }
  const size = params.absolute === true ? amount : disk.size + amount;
  return succeed(null, [`Growing disk ${index} of instance '${instance.name}' by ${amount}`], () => {
    instance.disks[index] = { ...disk, size };
    touch(instance);
  });
}

export const INSTANCE_OPERATION_HANDLERS: Readonly<Record<string, ResourceHandlers>> = {
  "/2/instances/[instance]/reboot": {
    POST: instanceOpcode({
      opId: "OP_INSTANCE_REBOOT",
      statics: (context) => ({
        reboot_type: stringArg(context.query, "type") ?? "hard",
        ignore_secondaries: flagArg(context.query, "ignore_secondaries"),
        dry_run: flagArg(context.query, "dry-run"),
      }),
    }),
  },
  "/2/instances/[instance]/reinstall": { POST: reinstall },
  "/2/instances/[instance]/replace-disks": { POST: instanceOpcode({ opId: "OP_INSTANCE_REPLACE_DISKS" }) },
  "/2/instances/[instance]/shutdown": {
    PUT: instanceOpcode({
      opId: "OP_INSTANCE_SHUTDOWN",
      statics: (context) => ({ no_remember: flagArg(context.query, "no_remember"), dry_run: flagArg(context.query, "dry-run") }),
      start: setAdminState(false),
    }),
  },
  "/2/instances/[instance]/startup": {
    PUT: instanceOpcode({
      opId: "OP_INSTANCE_STARTUP",
      ignoresBody: true,
      statics: (context) => ({
        force: flagArg(context.query, "force"),
        dry_run: flagArg(context.query, "dry-run"),
        no_remember: flagArg(context.query, "no_remember"),
      }),
      start: setAdminState(true),
    }),
  },
  "/2/instances/[instance]/activate-disks": {
    PUT: instanceOpcode({
      opId: "OP_INSTANCE_ACTIVATE_DISKS",
      ignoresBody: true,
      statics: (context) => ({ ignore_size: flagArg(context.query, "ignore_size") }),
      start: (state, instance) => succeed(instance.disks.map((_disk, index) => [state.masterNode, `disk/${index}`, null])),
    }),
  },
  "/2/instances/[instance]/deactivate-disks": {
    PUT: instanceOpcode({
      opId: "OP_INSTANCE_DEACTIVATE_DISKS",
      ignoresBody: true,
      statics: (context) => ({ force: flagArg(context.query, "force") }),
    }),
  },
  "/2/instances/[instance]/recreate-disks": { POST: instanceOpcode({ opId: "OP_INSTANCE_RECREATE_DISKS" }) },
  "/2/instances/[instance]/prepare-export": {
    PUT: instanceOpcode({
      opId: "OP_BACKUP_PREPARE",
      ignoresBody: true,
      statics: (context) => ({ mode: stringArg(context.query, "mode") ?? null }),
    }),
  },
  "/2/instances/[instance]/export": {
    PUT: instanceOpcode({ opId: "OP_BACKUP_EXPORT", rename: { destination: "target_node" } }),
    DELETE: instanceOpcode({ opId: "OP_BACKUP_REMOVE" }),
  },
  "/2/instances/[instance]/migrate": { PUT: instanceOpcode({ opId: "OP_INSTANCE_MIGRATE" }) },
  "/2/instances/[instance]/failover": { PUT: instanceOpcode({ opId: "OP_INSTANCE_FAILOVER" }) },
  "/2/instances/[instance]/rename": { PUT: instanceOpcode({ opId: "OP_INSTANCE_RENAME", start: rename }) },
  "/2/instances/[instance]/modify": { PUT: modify },
  "/2/instances/[instance]/disk/[disk]/grow": {
    POST: (context) =>
      instanceOpcode({
        opId: "OP_INSTANCE_GROW_DISK",
        statics: () => ({ disk: Number.parseInt(param(context, "disk"), 10) }),
        start: growDisk,
      })(context),
  },
};
