// Ganeti's query2 for /2/query/[resource]: field definitions, the filter
// language (qlang) and results as {"fields": [...], "data": [[[status, value], ...]]}.

import { HttpError, pyExceptionText } from "./errors.ts";
import { isJobField, jobField } from "./job-fields.ts";
import type { JobQueue } from "./jobs.ts";
import { PyFloat, jsonValuesEqual, pyNumber } from "./py-json.ts";
import type { ClusterState } from "./state.ts";
import { groupView, instanceView, networkView, nodeView } from "./views.ts";

/** Result status of one field value (constants.RS_*). */
const RS_NORMAL = 0;
const RS_UNKNOWN = 1;

type FieldKind = "text" | "number" | "bool" | "timestamp" | "other";

interface FieldDefinition {
  readonly title: string;
  readonly kind: FieldKind;
  readonly doc: string;
}

type Item = Readonly<Record<string, unknown>>;

interface QueryResource {
  readonly nameField: string;
  readonly fields: Readonly<Record<string, FieldDefinition>>;
  readonly items: (state: ClusterState, jobs: JobQueue) => Item[];
}

function field(title: string, kind: FieldKind, doc: string): FieldDefinition {
  return { title, kind, doc };
}

const COMMON_FIELDS = {
  uuid: field("UUID", "text", "Object UUID"),
  tags: field("Tags", "other", "Tags"),
  ctime: field("CTime", "timestamp", "Creation timestamp"),
  mtime: field("MTime", "timestamp", "Modification timestamp"),
  serial_no: field("SerialNo", "number", "Object serial number"),
};

const QUERY_RESOURCES: Readonly<Record<string, QueryResource>> = {
  node: {
    nameField: "name",
    fields: {
      name: field("Node", "text", "Node name"),
      role: field("Role", "text", "Node role; \"M\" for master, \"C\" for master candidate, \"R\" for regular, \"D\" for drained, \"O\" for offline"),
      offline: field("Offline", "bool", "Whether node is marked offline"),
      drained: field("Drained", "bool", "Whether node is drained"),
      master_candidate: field("MasterC", "bool", "Whether node is a master candidate"),
      pip: field("PrimaryIP", "text", "Primary IP address"),
      sip: field("SecondaryIP", "text", "Secondary IP address"),
      "group.uuid": field("GroupUUID", "text", "UUID of node group"),
      pinst_cnt: field("Pinst", "number", "Number of instances with this node as primary"),
      pinst_list: field("PriInstances", "other", "List of instances with this node as primary"),
      ...COMMON_FIELDS,
    },
    items: (state) => [...state.nodes.values()].map((node) => nodeView(state, node)),
  },
  instance: {
    nameField: "name",
    fields: {
      name: field("Instance", "text", "Instance name"),
      status: field("Status", "text", "Instance status"),
      admin_state: field("InstanceState", "text", "Desired state of instance"),
      oper_state: field("Running", "bool", "Actual state of instance"),
      os: field("OS", "text", "Operating system"),
      pnode: field("Primary_node", "text", "Primary node"),
      snodes: field("Secondary_Nodes", "other", "Secondary nodes; usually this will just be one node"),
      disk_template: field("Disk_template", "text", "Instance disk template"),
      "disk.sizes": field("Disk_sizes", "other", "List of disk sizes"),
      "nic.macs": field("NIC_MACs", "other", "List containing each network interface's MAC address"),
      ...COMMON_FIELDS,
    },
    items: (state) => [...state.instances.values()].map((instance) => instanceView(state, instance)),
  },
  group: {
    nameField: "name",
    fields: {
      name: field("Group", "text", "Group name"),
      alloc_policy: field("AllocPolicy", "text", "Allocation policy for group"),
      node_cnt: field("Nodes", "number", "Number of nodes"),
      node_list: field("NodeList", "other", "List of nodes"),
      ...COMMON_FIELDS,
    },
    items: (state) => [...state.groups.values()].map((group) => groupView(state, group)),
  },
  network: {
    nameField: "name",
    fields: {
      name: field("Network", "text", "Name"),
      network: field("Subnet", "text", "IPv4 subnet"),
      gateway: field("Gateway", "text", "IPv4 gateway"),
      free_count: field("FreeCount", "number", "Number of available addresses"),
      ...COMMON_FIELDS,
    },
    items: (state) => [...state.networks.values()].map((network) => networkView(state, network)),
  },
  job: {
    nameField: "id",
    fields: {
      id: field("ID", "number", "Job ID"),
      status: field("Status", "text", "Job status"),
      priority: field("Priority", "number", "Current job priority"),
      summary: field("Summary", "other", "List of per-opcode summaries"),
      ops: field("OpCodes", "other", "List of all opcodes"),
      opresult: field("OpCode_result", "other", "List of opcodes results"),
      opstatus: field("OpCode_status", "other", "List of opcodes status"),
      oplog: field("OpCode_log", "other", "List of opcode output logs"),
      received_ts: field("Received", "other", "Timestamp of when job was received"),
      start_ts: field("Start", "other", "Timestamp of job start"),
      end_ts: field("End", "other", "Timestamp of job end"),
    },
    items: (_state, jobs) =>
      jobs.ids().map((id) => {
        const job = jobs.get(id);
        const item: Record<string, unknown> = {};
        for (const name of ["id", "status", "priority", "summary", "ops", "opresult", "opstatus", "oplog", "received_ts", "start_ts", "end_ts"]) {
          item[name] = job === undefined || !isJobField(name) ? null : jobField(job, name);
        }
        return item;
      }),
  },
};

function resourceOf(name: string): QueryResource {
  const resource = QUERY_RESOURCES[name];
  if (resource === undefined) {
    // NOTE: the message luxid gives for other resources (cluster, lock, os, ...) was not recorded.
    throw new HttpError(500, pyExceptionText([`Query '${name}' not supported`]));
  }
  return resource;
}

function definitionOf(resource: QueryResource, name: string): Record<string, unknown> {
  const definition = Object.hasOwn(resource.fields, name) ? resource.fields[name] : undefined;
  if (definition === undefined) {
    return { name, title: name, kind: "unknown", doc: `Unknown field '${name}'` };
  }
  return { name, title: definition.title, kind: definition.kind, doc: definition.doc };
}

/** GET /2/query/[resource]/fields: definitions of the given fields, or of all fields in name order. */
export function queryFields(resourceName: string, names: readonly string[] | undefined): unknown {
  const resource = resourceOf(resourceName);
  const selected = names ?? Object.keys(resource.fields).sort();
  return { fields: selected.map((name) => definitionOf(resource, name)) };
}

/** Runs a query: field values of every item that passes the filter, in name order. */
export function runQuery(state: ClusterState, jobs: JobQueue, resourceName: string, fields: readonly string[], filter: unknown): unknown {
  const resource = resourceOf(resourceName);
  const matches = compileFilter(resource, filter);
  const nameOf = (item: Item): string | number => {
    const name = item[resource.nameField];
    return typeof name === "number" ? name : String(name);
  };
  const items = resource
    .items(state, jobs)
    .filter(matches)
    .sort((left, right) => (nameOf(left) < nameOf(right) ? -1 : nameOf(left) > nameOf(right) ? 1 : 0));
  return {
    fields: fields.map((name) => definitionOf(resource, name)),
    data: items.map((item) =>
      fields.map((name) => (Object.hasOwn(resource.fields, name) ? [RS_NORMAL, item[name] ?? null] : [RS_UNKNOWN, null])),
    ),
  };
}

function filterError(message: string): HttpError {
  return new HttpError(500, pyExceptionText([message, "wrong_input"]));
}

const COMPARISONS: Readonly<Record<string, (left: number | string, right: number | string) => boolean>> = {
  "<": (left, right) => left < right,
  ">": (left, right) => left > right,
  "<=": (left, right) => left <= right,
  ">=": (left, right) => left >= right,
};

function comparable(value: unknown): number | string | undefined {
  return typeof value === "string" ? value : pyNumber(value);
}

/**
 * Compiles a qlang filter: `&`, `|`, `!`, `?`, `==`, `!=`, `<`, `>`, `<=`,
 * `>=`, `=~` (regular expression) and `=[]` (list contains). A null filter
 * matches everything.
 */
function compileFilter(resource: QueryResource, filter: unknown): (item: Item) => boolean {
  if (filter === null || filter === undefined) {
    return () => true;
  }
  if (!Array.isArray(filter) || typeof filter[0] !== "string") {
    throw filterError("Invalid filter: expected a list starting with an operator");
  }

  const [operator, ...operands] = filter as [string, ...unknown[]];
  if (operator === "&" || operator === "|") {
    const parts = operands.map((operand) => compileFilter(resource, operand));
    return operator === "&" ? (item) => parts.every((part) => part(item)) : (item) => parts.some((part) => part(item));
  }
  if (operator === "!") {
    const inner = compileFilter(resource, operands[0]);
    return (item) => !inner(item);
  }

  const fieldName = operands[0];
  if (typeof fieldName !== "string" || !Object.hasOwn(resource.fields, fieldName)) {
    throw filterError(`Unknown field '${String(fieldName)}'`);
  }
  const value = operands[1];
  const read = (item: Item): unknown => item[fieldName] ?? null;

  switch (operator) {
    case "?":
      return (item) => Boolean(read(item));
    case "==":
      return (item) => looselyEqual(read(item), value);
    case "!=":
      return (item) => !looselyEqual(read(item), value);
    case "=~": {
      const pattern = new RegExp(String(value));
      return (item) => pattern.test(String(read(item)));
    }
    case "=[]":
      return (item) => {
        const list = read(item);
        return Array.isArray(list) && list.some((element) => looselyEqual(element, value));
      };
    default: {
      const compare = COMPARISONS[operator];
      if (compare === undefined) {
        throw filterError(`Unknown filter operator '${operator}'`);
      }
      return (item) => {
        const left = comparable(read(item));
        const right = comparable(value);
        return left !== undefined && right !== undefined && typeof left === typeof right && compare(left, right);
      };
    }
  }
}

/** Equality for filter operands: numbers compare by value whether int or float. */
function looselyEqual(left: unknown, right: unknown): boolean {
  const leftNumber = left instanceof PyFloat || typeof left === "number" ? pyNumber(left) : undefined;
  const rightNumber = right instanceof PyFloat || typeof right === "number" ? pyNumber(right) : undefined;
  if (leftNumber !== undefined || rightNumber !== undefined) {
    return leftNumber === rightNumber;
  }
  return jsonValuesEqual(left, right);
}
