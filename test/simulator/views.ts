// Cluster objects as the daemon's GET resources return them, field for field
// in rlib2's order (I_FIELDS, N_FIELDS, G_FIELDS, NET_FIELDS, ...).

import { isPyDict } from "./py-json.ts";
import type { ClusterState, FilterRecord, GroupRecord, InstanceRecord, NetworkRecord, NodeRecord } from "./state.ts";

/** GET /2/info: the recorded cluster info with current tags, plus rlib2's GET_ALIASES. */
export function infoView(state: ClusterState): Record<string, unknown> {
  const view: Record<string, unknown> = { ...state.info, tags: sortedTags(state.clusterTags) };
  view.vg_name = view.volume_group_name ?? null;
  view.drbd_helper = view.drbd_usermode_helper ?? null;
  return view;
}

export function sortedTags(tags: ReadonlySet<string>): string[] {
  return [...tags].sort();
}

function primaryInstances(state: ClusterState, nodeName: string): string[] {
  return [...state.instances.values()]
    .filter((instance) => instance.pnode === nodeName)
    .map((instance) => instance.name)
    .sort();
}

/** Returns a node's N_FIELDS with current instance lists and tags. */
export function nodeView(state: ClusterState, node: NodeRecord): Record<string, unknown> {
  const name = String(node.fields.name);
  const primaries = primaryInstances(state, name);
  return {
    ...node.fields,
    pinst_cnt: primaries.length,
    pinst_list: primaries,
    tags: sortedTags(node.tags),
  };
}

/** Maps the one-letter role of N_FIELDS to the role name of /2/nodes/[node]/role. */
export const NODE_ROLE_NAMES: Readonly<Record<string, string>> = {
  M: "master",
  C: "master-candidate",
  D: "drained",
  O: "offline",
  R: "regular",
};

/** Filled backend parameters: cluster defaults overlaid with the instance's own, plus `memory`. */
function filledBeparams(state: ClusterState, instance: InstanceRecord): Record<string, unknown> {
  const filled: Record<string, unknown> = { ...state.defaults("beparams"), ...instance.customBeparams };
  // rlib2 still adds the pre-2.6 `memory` field, equal to maxmem.
  filled.memory = filled.maxmem ?? null;
  return filled;
}

/** An instance's I_FIELDS, as GET /2/instances/[instance] returns them. */
export function instanceView(state: ClusterState, instance: InstanceRecord): Record<string, unknown> {
  const beparams = filledBeparams(state, instance);
  const running = instance.adminUp;
  const usesDiskSpace = instance.diskTemplate !== "diskless";
  return {
    name: instance.name,
    admin_state: running ? "up" : "down",
    os: instance.os,
    pnode: instance.pnode,
    snodes: [],
    disk_template: instance.diskTemplate,
    "nic.ips": instance.nics.map((nic) => nic.ip),
    "nic.macs": instance.nics.map((nic) => nic.mac),
    "nic.modes": instance.nics.map((nic) => nic.mode),
    "nic.uuids": instance.nics.map((nic) => nic.uuid),
    "nic.names": instance.nics.map((nic) => nic.name),
    "nic.links": instance.nics.map((nic) => nic.link),
    "nic.networks": instance.nics.map((nic) => nic.network),
    "nic.networks.names": instance.nics.map((nic) => nic.network),
    "nic.bridges": instance.nics.map((nic) => (nic.mode === "bridged" ? nic.link : null)),
    network_port: null,
    "disk.sizes": instance.disks.map((disk) => disk.size),
    "disk.spindles": instance.disks.map(() => null),
    disk_usage: usesDiskSpace ? instance.disks.reduce((total, disk) => total + disk.size, 0) : 0,
    "disk.uuids": instance.disks.map((disk) => disk.uuid),
    "disk.names": instance.disks.map((disk) => disk.name),
    beparams,
    hvparams: { ...instance.customHvparams },
    oper_state: running,
    oper_ram: running ? beparams.maxmem : null,
    oper_vcpus: running ? beparams.vcpus : null,
    status: running ? "running" : "ADMIN_down",
    custom_hvparams: { ...instance.customHvparams },
    custom_beparams: { ...instance.customBeparams },
    custom_nicparams: instance.nics.map(() => ({})),
    ctime: instance.ctime,
    mtime: instance.mtime,
    uuid: instance.uuid,
    serial_no: instance.serial,
    tags: sortedTags(instance.tags),
  };
}

/** Returns a node group's G_FIELDS; every group inherits the cluster's policies. */
export function groupView(state: ClusterState, group: GroupRecord): Record<string, unknown> {
  const members = [...state.nodes.values()]
    .filter((node) => node.fields["group.uuid"] === group.uuid)
    .map((node) => String(node.fields.name))
    .sort();
  const clusterValue = (key: string): unknown => (isPyDict(state.info[key]) ? state.info[key] : {});
  return {
    alloc_policy: group.allocPolicy,
    name: group.name,
    node_cnt: members.length,
    node_list: members,
    ipolicy: clusterValue("ipolicy"),
    custom_ipolicy: {},
    diskparams: clusterValue("diskparams"),
    custom_diskparams: {},
    ndparams: clusterValue("ndparams"),
    custom_ndparams: {},
    ctime: group.ctime,
    mtime: group.mtime,
    uuid: group.uuid,
    serial_no: group.serial,
    tags: sortedTags(group.tags),
  };
}

/** Counts the IPv4 addresses of a prefix such as `10.0.0.0/24`; 0 when it is not one. */
function addressCount(network: string): number {
  const prefixLength = Number(network.split("/")[1]);
  return Number.isInteger(prefixLength) && prefixLength >= 0 && prefixLength <= 32 ? 2 ** (32 - prefixLength) : 0;
}

/** Returns a network's NET_FIELDS, with the network and broadcast addresses reserved as Ganeti does. */
export function networkView(state: ClusterState, network: NetworkRecord): Record<string, unknown> {
  const size = addressCount(network.network);
  const reserved = Math.min(size, 2) + (network.gateway === null ? 0 : 1);
  const instances = [...state.instances.values()]
    .filter((instance) => instance.nics.some((nic) => nic.network === network.name))
    .map((instance) => instance.name)
    .sort();
  return {
    name: network.name,
    network: network.network,
    gateway: network.gateway,
    network6: network.network6,
    gateway6: network.gateway6,
    mac_prefix: network.macPrefix,
    free_count: Math.max(size - reserved, 0),
    reserved_count: reserved,
    map: size > 0 && size <= 65536 ? `X${".".repeat(Math.max(size - 2, 0))}X`.slice(0, size) : "",
    group_list: [...network.groups.entries()].map(([group, [mode, link]]) => [group, mode, link]),
    inst_list: instances,
    external_reservations: "",
    ctime: network.ctime,
    mtime: network.mtime,
    uuid: network.uuid,
    serial_no: network.serial,
    tags: sortedTags(network.tags),
  };
}

/** Returns a filter rule's FILTER_RULE_FIELDS. */
export function filterView(filter: FilterRecord): Record<string, unknown> {
  return {
    watermark: filter.watermark,
    priority: filter.priority,
    predicates: filter.predicates,
    action: filter.action,
    reason_trail: filter.reasonTrail,
    uuid: filter.uuid,
  };
}
