// The simulated cluster: one master node `vm.ganeti.test` in the default
// group of cluster `cluster.ganeti.test`, with the configuration recorded
// from a real ganeti-rapi 3.0.2 in cluster-fixture.json.

import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

import { PyFloat, isPyDict, parsePyJson } from "./py-json.ts";

export const CLUSTER_DOMAIN = "ganeti.test";

export interface InstanceDisk {
  readonly size: number;
  readonly uuid: string;
  readonly name: string | null;
}

export interface InstanceNic {
  readonly mac: string;
  readonly uuid: string;
  readonly ip: string | null;
  readonly name: string | null;
  readonly mode: string;
  readonly link: string;
  readonly network: string | null;
}

export interface InstanceRecord {
  name: string;
  readonly uuid: string;
  os: string;
  readonly pnode: string;
  readonly diskTemplate: string;
  readonly disks: InstanceDisk[];
  readonly nics: InstanceNic[];
  adminUp: boolean;
  readonly customBeparams: Record<string, unknown>;
  readonly customHvparams: Record<string, unknown>;
  readonly tags: Set<string>;
  readonly ctime: PyFloat;
  mtime: PyFloat;
  serial: number;
}

export interface NodeRecord {
  /** The node's fields as recorded (rlib2 N_FIELDS), updated in place. */
  readonly fields: Record<string, unknown>;
  readonly tags: Set<string>;
}

export interface GroupRecord {
  name: string;
  readonly uuid: string;
  allocPolicy: string;
  readonly tags: Set<string>;
  readonly ctime: PyFloat;
  mtime: PyFloat;
  serial: number;
}

export interface NetworkRecord {
  name: string;
  readonly uuid: string;
  readonly network: string;
  readonly gateway: string | null;
  readonly network6: string | null;
  readonly gateway6: string | null;
  readonly macPrefix: string | null;
  /** Group name -> [mode, link] of the connection. */
  readonly groups: Map<string, readonly [string, string]>;
  readonly tags: Set<string>;
  readonly ctime: PyFloat;
  mtime: PyFloat;
  serial: number;
}

export interface FilterRecord {
  readonly uuid: string;
  readonly watermark: number;
  readonly priority: number;
  readonly predicates: unknown[];
  readonly action: unknown;
  readonly reasonTrail: unknown[];
}

interface ClusterFixture {
  readonly info: Record<string, unknown>;
  readonly node: Record<string, unknown>;
  readonly os: string[];
  readonly features: string[];
}

function loadFixture(): ClusterFixture {
  const text = readFileSync(new URL("./cluster-fixture.json", import.meta.url), "utf8");
  const fixture = parsePyJson(text);
  if (!isPyDict(fixture) || !isPyDict(fixture.info) || !isPyDict(fixture.node)) {
    throw new Error("cluster-fixture.json must hold the objects 'info' and 'node'");
  }
  return fixture as unknown as ClusterFixture;
}

export function epochFloat(): PyFloat {
  return new PyFloat((performance.timeOrigin + performance.now()) / 1000);
}

export function newMacAddress(prefix: string): string {
  const suffix = [...randomBytes(3)].map((byte) => byte.toString(16).padStart(2, "0"));
  return [prefix, ...suffix].join(":");
}

export class ClusterState {
  /** Cluster info as recorded, tags excluded (they live in clusterTags). */
  readonly info: Readonly<Record<string, unknown>>;
  readonly osNames: readonly string[];
  readonly features: readonly string[];
  readonly clusterTags = new Set<string>();
  readonly nodes = new Map<string, NodeRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly networks = new Map<string, NetworkRecord>();
  readonly instances = new Map<string, InstanceRecord>();
  readonly filters = new Map<string, FilterRecord>();

  constructor() {
    const fixture = loadFixture();
    this.info = fixture.info;
    this.osNames = fixture.os;
    this.features = fixture.features;

    const nodeName = String(fixture.node.name);
    this.nodes.set(nodeName, { fields: { ...fixture.node }, tags: new Set() });

    const created = fixture.node.ctime instanceof PyFloat ? fixture.node.ctime : epochFloat();
    this.groups.set("default", {
      name: "default",
      uuid: String(fixture.node["group.uuid"]),
      allocPolicy: "preferred",
      tags: new Set(),
      ctime: created,
      mtime: created,
      serial: 1,
    });
  }

  get clusterName(): string {
    return String(this.info.name);
  }

  get masterNode(): string {
    return String(this.info.master);
  }

  get macPrefix(): string {
    return String(this.info.mac_prefix);
  }

  /** Cluster-wide default parameters of one kind, e.g. `beparams` -> `default`. */
  defaults(kind: "beparams" | "nicparams"): Record<string, unknown> {
    const table = this.info[kind];
    const defaults = isPyDict(table) ? table.default : undefined;
    return isPyDict(defaults) ? defaults : {};
  }

  newUuid(): string {
    return randomUUID();
  }
}

export type NameLookup =
  | { readonly kind: "found"; readonly name: string }
  | { readonly kind: "multiple" }
  | { readonly kind: "missing" };

/**
 * Resolves a possibly abbreviated name as Ganeti's lookupName does: an exact
 * match wins, otherwise the one name that continues with `.` after the query
 * (so `inst1` finds `inst1.ganeti.test`).
 */
export function lookupName(names: Iterable<string>, query: string): NameLookup {
  const candidates: string[] = [];
  for (const name of names) {
    if (name === query) {
      return { kind: "found", name };
    }
    if (name.startsWith(`${query}.`)) {
      candidates.push(name);
    }
  }
  if (candidates.length === 1 && candidates[0] !== undefined) {
    return { kind: "found", name: candidates[0] };
  }
  return candidates.length > 1 ? { kind: "multiple" } : { kind: "missing" };
}
