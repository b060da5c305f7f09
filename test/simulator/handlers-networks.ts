// Network resources: /2/networks and /2/networks/[network]/... (rlib2 R_2_networks*).

import { type HandlerContext, type ResourceHandlers, param } from "./handler-context.ts";
import type { OpOutcome } from "./jobs.ts";
import { prereqError, submitOpcode, succeed } from "./opcodes.ts";
import { flagArg } from "./query-args.ts";
import { type ClusterState, type NetworkRecord, epochFloat } from "./state.ts";
import { rejectLockedQuery, resolveForItem, resolveName, withTarget } from "./targets.ts";
import { tagHandlers } from "./handlers-tags.ts";
import { networkView } from "./views.ts";

const IPV4_NETWORK = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

function listNetworks(context: HandlerContext): unknown {
  const networks = [...context.state.networks.values()].sort((left, right) => left.name.localeCompare(right.name));
  if (flagArg(context.query, "bulk")) {
    return networks.map((network) => networkView(context.state, network));
  }
  return networks.map((network) => ({ name: network.name, uri: `/2/networks/${network.name}` }));
}

function getNetwork(context: HandlerContext): unknown {
  rejectLockedQuery(flagArg(context.query, "lock"));
  const fullName = resolveForItem(context.state, "network", param(context, "network"));
  const network = context.state.networks.get(fullName);
  return network === undefined ? null : networkView(context.state, network);
}

function optionalText(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function addNetwork(state: ClusterState, params: Readonly<Record<string, unknown>>): OpOutcome {
  const name = params.network_name;
  if (typeof name !== "string" || name === "") {
    return prereqError("Parameter 'OP_NETWORK_ADD.network_name' fails validation", "wrong_input");
  }
  if (typeof params.network !== "string" || !IPV4_NETWORK.test(params.network)) {
    return prereqError("Parameter 'OP_NETWORK_ADD.network' fails validation", "wrong_input");
  }
  if (state.networks.has(name)) {
    return prereqError(`Desired network name '${name}' already exists as a network`, "already_exists");
  }
  const network = params.network;
  const now = epochFloat();
  return succeed(null, [], () => {
    state.networks.set(name, {
      name,
      uuid: state.newUuid(),
      network,
      gateway: optionalText(params.gateway),
      network6: optionalText(params.network6),
      gateway6: optionalText(params.gateway6),
      macPrefix: optionalText(params.mac_prefix),
      groups: new Map(),
      tags: new Set(Array.isArray(params.tags) ? params.tags.map(String) : []),
      ctime: now,
      mtime: now,
      serial: 1,
    });
  });
}

function touch(network: NetworkRecord): void {
  network.serial += 1;
  network.mtime = epochFloat();
}

/** Builds a handler submitting one opcode on the network named in the path. */
function networkOpcode(
  opId: string,
  start: (state: ClusterState, network: NetworkRecord, params: Readonly<Record<string, unknown>>) => OpOutcome = () => succeed(),
): (context: HandlerContext) => number {
  return (context) => {
    const name = param(context, "network");
    return submitOpcode(context, {
      opId,
      summaryTarget: name,
      statics: { network_name: name, dry_run: flagArg(context.query, "dry-run") },
      start: (params) =>
        withTarget(context.state, "network", name, (fullName) => {
          const network = context.state.networks.get(fullName);
          return network === undefined ? prereqError(`Network '${name}' not found`, "unknown_entity") : start(context.state, network, params);
        }),
    });
  };
}

function connect(state: ClusterState, network: NetworkRecord, params: Readonly<Record<string, unknown>>): OpOutcome {
  const groupName = typeof params.group_name === "string" ? resolveName(state, "group", params.group_name) : undefined;
  if (groupName === undefined) {
    return prereqError(`Node group '${String(params.group_name ?? "")}' not found`, "unknown_entity");
  }
  const mode = typeof params.network_mode === "string" ? params.network_mode : "bridged";
  const link = typeof params.network_link === "string" ? params.network_link : "";
  return succeed(null, [], () => {
    network.groups.set(groupName, [mode, link]);
    touch(network);
  });
}

function disconnect(state: ClusterState, network: NetworkRecord, params: Readonly<Record<string, unknown>>): OpOutcome {
  const groupName = typeof params.group_name === "string" ? resolveName(state, "group", params.group_name) : undefined;
  if (groupName === undefined) {
    return prereqError(`Node group '${String(params.group_name ?? "")}' not found`, "unknown_entity");
  }
  return succeed(null, [], () => {
    network.groups.delete(groupName);
    touch(network);
  });
}

function rename(state: ClusterState, network: NetworkRecord, params: Readonly<Record<string, unknown>>): OpOutcome {
  const newName = params.new_name;
  if (typeof newName !== "string" || newName === "") {
    return prereqError("Parameter 'OP_NETWORK_RENAME.new_name' fails validation", "wrong_input");
  }
  if (state.networks.has(newName)) {
    return prereqError(`Desired network name '${newName}' already exists as a network`, "already_exists");
  }
  return succeed(newName, [], () => {
    state.networks.delete(network.name);
    network.name = newName;
    touch(network);
    state.networks.set(newName, network);
  });
}

export const NETWORK_HANDLERS: Readonly<Record<string, ResourceHandlers>> = {
  "/2/networks": {
    GET: listNetworks,
    POST: (context) =>
      submitOpcode(context, {
        opId: "OP_NETWORK_ADD",
        rename: { name: "network_name" },
        statics: { dry_run: flagArg(context.query, "dry-run") },
        start: (params) => addNetwork(context.state, params),
      }),
  },
  "/2/networks/[network]": {
    GET: getNetwork,
    DELETE: networkOpcode("OP_NETWORK_REMOVE", (state, network) => succeed(null, [], () => state.networks.delete(network.name))),
  },
  "/2/networks/[network]/connect": { PUT: networkOpcode("OP_NETWORK_CONNECT", connect) },
  "/2/networks/[network]/disconnect": { PUT: networkOpcode("OP_NETWORK_DISCONNECT", disconnect) },
  "/2/networks/[network]/rename": { PUT: networkOpcode("OP_NETWORK_RENAME", rename) },
  "/2/networks/[network]/modify": { PUT: networkOpcode("OP_NETWORK_SET_PARAMS") },
  "/2/networks/[network]/tags": tagHandlers("network", "network"),
};
