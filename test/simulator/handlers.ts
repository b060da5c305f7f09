// All resource handlers, keyed by resource pattern.

import type { ResourceHandlers } from "./handler-context.ts";
import { CLUSTER_HANDLERS } from "./handlers-cluster.ts";
import { GROUP_HANDLERS } from "./handlers-groups.ts";
import { INSTANCE_OPERATION_HANDLERS } from "./handlers-instance-ops.ts";
import { INSTANCE_HANDLERS } from "./handlers-instances.ts";
import { JOB_HANDLERS } from "./handlers-jobs.ts";
import { NETWORK_HANDLERS } from "./handlers-networks.ts";
import { NODE_HANDLERS } from "./handlers-nodes.ts";
import { QUERY_HANDLERS } from "./handlers-query.ts";

export const RESOURCE_HANDLERS: Readonly<Record<string, ResourceHandlers>> = {
  ...CLUSTER_HANDLERS,
  ...NODE_HANDLERS,
  ...INSTANCE_HANDLERS,
  ...INSTANCE_OPERATION_HANDLERS,
  ...GROUP_HANDLERS,
  ...NETWORK_HANDLERS,
  ...JOB_HANDLERS,
  ...QUERY_HANDLERS,
};
