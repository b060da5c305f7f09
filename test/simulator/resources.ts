// The RAPI resource table: path patterns, their methods and the user option
// each method needs, as in ganeti.rapi.connector and rlib2 (3.0.2).

import type { AccessLevel } from "./access.ts";

export type RapiMethod = "GET" | "PUT" | "POST" | "DELETE";

export interface RapiResource {
  /** Pattern with bracketed parameters, e.g. `/2/jobs/[job_id]`; also the stats key. */
  readonly pattern: string;
  readonly methods: Readonly<Partial<Record<RapiMethod, AccessLevel>>>;
  /** rlib2 class name without its `R_2_` prefix, used in job reason trails. */
  readonly rapiName: string;
}

export interface RouteMatch {
  readonly resource: RapiResource;
  readonly params: Readonly<Record<string, string>>;
}

// connector.py uses [\w\._-]+ for names; Python's \w on str is Unicode-aware.
const PARAMETER_PATTERNS: Record<string, string> = {
  job_id: "[0-9]+",
  disk: "[0-9]+",
};
const NAME_PATTERN = "[\\p{L}\\p{N}_.-]+";

const WRITE = "write";
const ANY = "any";
const READ = "read";

function resource(pattern: string, rapiName: string, methods: RapiResource["methods"]): RapiResource {
  return { pattern, rapiName, methods };
}

export const RAPI_RESOURCES: readonly RapiResource[] = [
  resource("/", "root", { GET: ANY }),
  resource("/2", "2", { GET: ANY }),
  resource("/version", "version", { GET: ANY }),
  resource("/2/nodes", "nodes", { GET: ANY }),
  resource("/2/nodes/[node]", "nodes_name", { GET: ANY }),
  resource("/2/nodes/[node]/powercycle", "nodes_name_powercycle", { POST: WRITE }),
  resource("/2/nodes/[node]/tags", "nodes_name_tags", { DELETE: WRITE, GET: ANY, PUT: WRITE }),
  resource("/2/nodes/[node]/role", "nodes_name_role", { GET: ANY, PUT: WRITE }),
  resource("/2/nodes/[node]/evacuate", "nodes_name_evacuate", { POST: WRITE }),
  resource("/2/nodes/[node]/migrate", "nodes_name_migrate", { POST: WRITE }),
  resource("/2/nodes/[node]/modify", "nodes_name_modify", { POST: WRITE }),
  resource("/2/nodes/[node]/storage", "nodes_name_storage", { GET: WRITE }),
  resource("/2/nodes/[node]/storage/modify", "nodes_name_storage_modify", { PUT: WRITE }),
  resource("/2/nodes/[node]/storage/repair", "nodes_name_storage_repair", { PUT: WRITE }),
  resource("/2/instances", "instances", { GET: ANY, POST: WRITE }),
  resource("/2/instances/[instance]", "instances_name", { DELETE: WRITE, GET: ANY }),
  resource("/2/instances/[instance]/info", "instances_name_info", { GET: ANY }),
  resource("/2/instances/[instance]/tags", "instances_name_tags", { DELETE: WRITE, GET: ANY, PUT: WRITE }),
  resource("/2/instances/[instance]/reboot", "instances_name_reboot", { POST: WRITE }),
  resource("/2/instances/[instance]/reinstall", "instances_name_reinstall", { POST: WRITE }),
  resource("/2/instances/[instance]/replace-disks", "instances_name_replace_disks", { POST: WRITE }),
  resource("/2/instances/[instance]/shutdown", "instances_name_shutdown", { PUT: WRITE }),
  resource("/2/instances/[instance]/startup", "instances_name_startup", { PUT: WRITE }),
  resource("/2/instances/[instance]/activate-disks", "instances_name_activate_disks", { PUT: WRITE }),
  resource("/2/instances/[instance]/deactivate-disks", "instances_name_deactivate_disks", { PUT: WRITE }),
  resource("/2/instances/[instance]/recreate-disks", "instances_name_recreate_disks", { POST: WRITE }),
  resource("/2/instances/[instance]/prepare-export", "instances_name_prepare_export", { PUT: WRITE }),
  // NOTE: the 3.0.2 daemon has no DELETE here and responds 501; the project's
  // resource list has one, so the simulator returns a job for it.
  resource("/2/instances/[instance]/export", "instances_name_export", { DELETE: WRITE, PUT: WRITE }),
  resource("/2/instances/[instance]/migrate", "instances_name_migrate", { PUT: WRITE }),
  resource("/2/instances/[instance]/failover", "instances_name_failover", { PUT: WRITE }),
  resource("/2/instances/[instance]/rename", "instances_name_rename", { PUT: WRITE }),
  resource("/2/instances/[instance]/modify", "instances_name_modify", { PUT: WRITE }),
  resource("/2/instances/[instance]/disk/[disk]/grow", "instances_name_disk_grow", { POST: WRITE }),
  resource("/2/instances/[instance]/console", "instances_name_console", { GET: READ }),
  resource("/2/networks", "networks", { GET: ANY, POST: WRITE }),
  resource("/2/networks/[network]", "networks_name", { DELETE: WRITE, GET: ANY }),
  resource("/2/networks/[network]/connect", "networks_name_connect", { PUT: WRITE }),
  resource("/2/networks/[network]/disconnect", "networks_name_disconnect", { PUT: WRITE }),
  // NOTE: the 3.0.2 daemon has no such resource and responds 404; the
  // project's resource list has one, so the simulator returns a job for it.
  resource("/2/networks/[network]/rename", "networks_name_rename", { PUT: WRITE }),
  resource("/2/networks/[network]/modify", "networks_name_modify", { PUT: WRITE }),
  resource("/2/networks/[network]/tags", "networks_name_tags", { DELETE: WRITE, GET: ANY, PUT: WRITE }),
  resource("/2/groups", "groups", { GET: ANY, POST: WRITE }),
  resource("/2/groups/[group]", "groups_name", { DELETE: WRITE, GET: ANY }),
  resource("/2/groups/[group]/modify", "groups_name_modify", { PUT: WRITE }),
  resource("/2/groups/[group]/rename", "groups_name_rename", { PUT: WRITE }),
  resource("/2/groups/[group]/assign-nodes", "groups_name_assign_nodes", { PUT: WRITE }),
  resource("/2/groups/[group]/tags", "groups_name_tags", { DELETE: WRITE, GET: ANY, PUT: WRITE }),
  resource("/2/jobs", "jobs", { GET: ANY }),
  resource("/2/jobs/[job_id]", "jobs_id", { DELETE: WRITE, GET: ANY }),
  resource("/2/jobs/[job_id]/wait", "jobs_id_wait", { GET: WRITE }),
  resource("/2/instances-multi-alloc", "instances_multi_alloc", { POST: WRITE }),
  resource("/2/tags", "tags", { DELETE: WRITE, GET: ANY, PUT: WRITE }),
  resource("/2/info", "info", { GET: ANY }),
  resource("/2/os", "os", { GET: ANY }),
  resource("/2/redistribute-config", "redist_config", { PUT: WRITE }),
  resource("/2/features", "features", { GET: ANY }),
  resource("/2/modify", "cluster_modify", { PUT: WRITE }),
  resource("/2/query/[resource]", "query", { GET: READ, PUT: READ }),
  resource("/2/query/[resource]/fields", "query_fields", { GET: ANY }),
  resource("/2/filters", "filters", { GET: ANY, POST: WRITE }),
  resource("/2/filters/[uuid]", "filters_uuid", { DELETE: WRITE, GET: ANY, PUT: WRITE }),
];

interface CompiledResource {
  readonly resource: RapiResource;
  readonly regex: RegExp;
  readonly paramNames: readonly string[];
}

function compile(entry: RapiResource): CompiledResource {
  const paramNames: string[] = [];
  const source = entry.pattern.replace(/\[([a-z_]+)\]|[.*+?^${}()|\\/]/g, (token, name?: string) => {
    if (name === undefined) {
      return `\\${token}`;
    }
    paramNames.push(name);
    return `(${PARAMETER_PATTERNS[name] ?? NAME_PATTERN})`;
  });
  return { resource: entry, regex: new RegExp(`^${source}$`, "u"), paramNames };
}

const COMPILED = RAPI_RESOURCES.map(compile);

/**
 * Finds the resource for a request path (without its query string). The path
 * is matched as sent: no percent-decoding and no dot-segment resolution, so
 * `/2/%69nfo` matches nothing and `/2/instances/..` names an instance `..`.
 */
export function matchRoute(path: string): RouteMatch | undefined {
  for (const entry of COMPILED) {
    const match = entry.regex.exec(path);
    if (match !== null) {
      const params: Record<string, string> = {};
      entry.paramNames.forEach((name, index) => {
        params[name] = match[index + 1] ?? "";
      });
      return { resource: entry.resource, params };
    }
  }
  return undefined;
}
