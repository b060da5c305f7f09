/**
 * The RAPI resources of Ganeti 3.0 with the user option each method needs.
 *
 * `any` needs no option (anonymous on a stock ganeti-rapi unless it runs with
 * --require-authentication), `read` needs option read or write, `write` needs
 * option write. Path parameters in braces match one segment of
 * [A-Za-z0-9_.-]+; `job_id` and `disk` match digits only.
 */

export type AccessLevel = "any" | "read" | "write";

export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE";

export interface RapiResource {
  readonly path: string;
  readonly methods: Readonly<Partial<Record<HttpMethod, AccessLevel>>>;
}

export const RAPI_RESOURCES: readonly RapiResource[] = [
  { path: "/", methods: { GET: "any" } },
  { path: "/2", methods: { GET: "any" } },
  { path: "/version", methods: { GET: "any" } },
  { path: "/2/nodes", methods: { GET: "any" } },
  { path: "/2/nodes/{node}", methods: { GET: "any" } },
  { path: "/2/nodes/{node}/powercycle", methods: { POST: "write" } },
  { path: "/2/nodes/{node}/tags", methods: { DELETE: "write", GET: "any", PUT: "write" } },
  { path: "/2/nodes/{node}/role", methods: { GET: "any", PUT: "write" } },
  { path: "/2/nodes/{node}/evacuate", methods: { POST: "write" } },
  { path: "/2/nodes/{node}/migrate", methods: { POST: "write" } },
  { path: "/2/nodes/{node}/modify", methods: { POST: "write" } },
  { path: "/2/nodes/{node}/storage", methods: { GET: "write" } },
  { path: "/2/nodes/{node}/storage/modify", methods: { PUT: "write" } },
  { path: "/2/nodes/{node}/storage/repair", methods: { PUT: "write" } },
  { path: "/2/instances", methods: { GET: "any", POST: "write" } },
  { path: "/2/instances/{instance}", methods: { DELETE: "write", GET: "any" } },
  { path: "/2/instances/{instance}/info", methods: { GET: "any" } },
  { path: "/2/instances/{instance}/tags", methods: { DELETE: "write", GET: "any", PUT: "write" } },
  { path: "/2/instances/{instance}/reboot", methods: { POST: "write" } },
  { path: "/2/instances/{instance}/reinstall", methods: { POST: "write" } },
  { path: "/2/instances/{instance}/replace-disks", methods: { POST: "write" } },
  { path: "/2/instances/{instance}/shutdown", methods: { PUT: "write" } },
  { path: "/2/instances/{instance}/startup", methods: { PUT: "write" } },
  { path: "/2/instances/{instance}/activate-disks", methods: { PUT: "write" } },
  { path: "/2/instances/{instance}/deactivate-disks", methods: { PUT: "write" } },
  { path: "/2/instances/{instance}/recreate-disks", methods: { POST: "write" } },
  { path: "/2/instances/{instance}/prepare-export", methods: { PUT: "write" } },
  { path: "/2/instances/{instance}/export", methods: { DELETE: "write", PUT: "write" } },
  { path: "/2/instances/{instance}/migrate", methods: { PUT: "write" } },
  { path: "/2/instances/{instance}/failover", methods: { PUT: "write" } },
  { path: "/2/instances/{instance}/rename", methods: { PUT: "write" } },
  { path: "/2/instances/{instance}/modify", methods: { PUT: "write" } },
  { path: "/2/instances/{instance}/disk/{disk}/grow", methods: { POST: "write" } },
  { path: "/2/instances/{instance}/console", methods: { GET: "read" } },
  { path: "/2/networks", methods: { GET: "any", POST: "write" } },
  { path: "/2/networks/{network}", methods: { DELETE: "write", GET: "any" } },
  { path: "/2/networks/{network}/connect", methods: { PUT: "write" } },
  { path: "/2/networks/{network}/disconnect", methods: { PUT: "write" } },
  { path: "/2/networks/{network}/rename", methods: { PUT: "write" } },
  { path: "/2/networks/{network}/modify", methods: { PUT: "write" } },
  { path: "/2/networks/{network}/tags", methods: { DELETE: "write", GET: "any", PUT: "write" } },
  { path: "/2/groups", methods: { GET: "any", POST: "write" } },
  { path: "/2/groups/{group}", methods: { DELETE: "write", GET: "any" } },
  { path: "/2/groups/{group}/modify", methods: { PUT: "write" } },
  { path: "/2/groups/{group}/rename", methods: { PUT: "write" } },
  { path: "/2/groups/{group}/assign-nodes", methods: { PUT: "write" } },
  { path: "/2/groups/{group}/tags", methods: { DELETE: "write", GET: "any", PUT: "write" } },
  { path: "/2/jobs", methods: { GET: "any" } },
  { path: "/2/jobs/{job_id}", methods: { DELETE: "write", GET: "any" } },
  { path: "/2/jobs/{job_id}/wait", methods: { GET: "write" } },
  { path: "/2/instances-multi-alloc", methods: { POST: "write" } },
  { path: "/2/tags", methods: { DELETE: "write", GET: "any", PUT: "write" } },
  { path: "/2/info", methods: { GET: "any" } },
  { path: "/2/os", methods: { GET: "any" } },
  { path: "/2/redistribute-config", methods: { PUT: "write" } },
  { path: "/2/features", methods: { GET: "any" } },
  { path: "/2/modify", methods: { PUT: "write" } },
  { path: "/2/query/{resource}", methods: { GET: "read", PUT: "read" } },
  { path: "/2/query/{resource}/fields", methods: { GET: "any" } },
  { path: "/2/filters", methods: { GET: "any", POST: "write" } },
  { path: "/2/filters/{uuid}", methods: { DELETE: "write", GET: "any", PUT: "write" } },
];
