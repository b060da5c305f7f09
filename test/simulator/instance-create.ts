// POST /2/instances: request checks of rlib2 R_2_instances and the
// OP_INSTANCE_CREATE job, which adds the instance when it succeeds.

import { HttpError, pyExceptionText } from "./errors.ts";
import { type HandlerContext, bodyParameter, checkType } from "./handler-context.ts";
import type { OpOutcome } from "./jobs.ts";
import { dictParam, fillOpcodeParams, prereqError, submitDefinitions, succeed } from "./opcodes.ts";
import { PyFloat, dumpPyJson, formatPyFloat, isPyDict, pyNumber } from "./py-json.ts";
import { flagArg } from "./query-args.ts";
import { CLUSTER_DOMAIN, type ClusterState, type InstanceRecord, epochFloat, newMacAddress } from "./state.ts";
import { resolveName } from "./targets.ts";

const CREATE_MODES = ["create", "import", "remote-import"];
const DISK_TEMPLATES = ["diskless", "file", "sharedfile", "plain", "drbd", "blockdev", "rbd", "ext", "gluster"];

function invalidParameter(name: string): HttpError {
  const reason = pyExceptionText([`Parameter 'OP_INSTANCE_CREATE.${name}' fails validation`, "wrong_input"]);
  return new HttpError(400, `Invalid body parameters: ${reason}`);
}

function isListOfDicts(value: unknown): boolean {
  return Array.isArray(value) && value.every(isPyDict);
}

/** Checks the opcode parameters OpInstanceCreate requires, in the order its Validate visits them. */
function validateCreateParams(params: Readonly<Record<string, unknown>>): void {
  if (typeof params.instance_name !== "string" || params.instance_name === "") {
    throw invalidParameter("instance_name");
  }
  if (!isListOfDicts(params.disks)) {
    throw invalidParameter("disks");
  }
  if (params.disk_template !== undefined && params.disk_template !== null && !DISK_TEMPLATES.includes(String(params.disk_template))) {
    throw invalidParameter("disk_template");
  }
  if (!CREATE_MODES.includes(String(params.mode))) {
    throw invalidParameter("mode");
  }
  if (!isListOfDicts(params.nics)) {
    throw invalidParameter("nics");
  }
}

/** Custom backend parameters; the old `memory` sets both minmem and maxmem, as Ganeti upgrades it. */
function customBeparams(requested: Record<string, unknown>): Record<string, unknown> {
  const { memory, ...rest } = requested;
  return memory === undefined ? rest : { minmem: memory, maxmem: memory, ...rest };
}

function buildInstance(state: ClusterState, name: string, pnode: string, params: Readonly<Record<string, unknown>>): InstanceRecord {
  const nicDefaults = state.defaults("nicparams");
  const now = epochFloat();
  const disks = (params.disks as Record<string, unknown>[]).map((disk) => ({
    size: pyNumber(disk.size) ?? 0,
    uuid: state.newUuid(),
    name: typeof disk.name === "string" ? disk.name : null,
  }));
  const nics = (params.nics as Record<string, unknown>[]).map((nic) => ({
    mac: typeof nic.mac === "string" && nic.mac !== "auto" && nic.mac !== "generate" ? nic.mac : newMacAddress(state.macPrefix),
    uuid: state.newUuid(),
    ip: typeof nic.ip === "string" ? nic.ip : null,
    name: typeof nic.name === "string" ? nic.name : null,
    mode: typeof nic.mode === "string" ? nic.mode : String(nicDefaults.mode ?? "bridged"),
    link: typeof nic.link === "string" ? nic.link : String(nicDefaults.link ?? ""),
    network: typeof nic.network === "string" ? nic.network : null,
  }));

  return {
    name,
    uuid: state.newUuid(),
    os: typeof params.os_type === "string" ? params.os_type : "",
    pnode,
    diskTemplate: typeof params.disk_template === "string" ? params.disk_template : "diskless",
    disks,
    nics,
    adminUp: params.start !== false,
    customBeparams: customBeparams(dictParam(params, "beparams")),
    customHvparams: { ...dictParam(params, "hvparams") },
    tags: new Set(Array.isArray(params.tags) ? params.tags.map(String) : []),
    ctime: now,
    mtime: now,
    serial: 1,
  };
}

/** Runs the creation prerequisites: a free name, a known primary node, an enabled template and OS. */
function startCreate(state: ClusterState, params: Readonly<Record<string, unknown>>): OpOutcome {
  const requested = String(params.instance_name);
  // With name_check on, Ganeti resolves the name; here the cluster domain completes it.
  const name = params.name_check !== false && !requested.includes(".") ? `${requested}.${CLUSTER_DOMAIN}` : requested;
  if (state.instances.has(name)) {
    return prereqError(`Instance '${name}' is already in the cluster`, "already_exists");
  }

  let pnode = state.masterNode;
  if (typeof params.pnode === "string") {
    const resolved = resolveName(state, "node", params.pnode);
    if (resolved === undefined) {
      return prereqError(`Node '${params.pnode}' not known`, "unknown_entity");
    }
    pnode = resolved;
  }

  const template = typeof params.disk_template === "string" ? params.disk_template : "diskless";
  const enabled = Array.isArray(state.info.enabled_disk_templates) ? state.info.enabled_disk_templates.map(String) : [];
  if (!enabled.includes(template)) {
    return prereqError(
      `Disk template ${template} is not enabled in cluster. Enabled disk templates are: ${enabled.join(",")}`,
      "wrong_input",
    );
  }
  if (typeof params.os_type === "string" && !state.osNames.includes(params.os_type)) {
    return prereqError(`OS '${params.os_type}' not in supported OS list for primary node ${pnode}`, "wrong_input");
  }

  const logs = ["* creating instance disks...", `adding instance ${name} to cluster config`, "adding disks to cluster config"];
  if (params.start !== false) {
    logs.push("* starting instance...");
  }
  return succeed([pnode], logs, () => {
    state.instances.set(name, buildInstance(state, name, pnode, params));
  });
}

/** Handles POST /2/instances; returns the job id. */
export function createInstance(context: HandlerContext): number {
  checkType(context.body, "dict", "Body contents");

  // Request data version 0 is the default; Python's == makes false and 0.0 equal to 0.
  const version = bodyParameter(context.body, "__version__", 0);
  const versionNumber = pyNumber(version);
  if (versionNumber === 0) {
    throw new HttpError(400, "Instance creation request version 0 is no longer supported");
  }
  if (versionNumber !== 1) {
    throw new HttpError(400, `Unsupported request data version ${pyValueText(version)}`);
  }

  const { __version__: _version, ...data } = context.body as Record<string, unknown>;
  const params = fillOpcodeParams(
    { opId: "OP_INSTANCE_CREATE", rename: { os: "os_type", name: "instance_name" }, statics: { dry_run: flagArg(context.query, "dry-run") }, start: () => succeed() },
    data,
  );
  validateCreateParams(params);

  return submitDefinitions(context, [
    {
      opId: "OP_INSTANCE_CREATE",
      params,
      summaryTarget: String(params.instance_name),
      start: () => startCreate(context.state, params),
    },
  ]);
}

/** Formats a JSON value as Python's str() would in a message. */
function pyValueText(value: unknown): string {
  if (value === null) {
    return "None";
  }
  if (typeof value === "boolean") {
    return value ? "True" : "False";
  }
  if (value instanceof PyFloat) {
    return formatPyFloat(value.value);
  }
  return typeof value === "string" ? value : dumpPyJson(value);
}
