// Query and filter-rule resources: /2/query/[resource], /2/query/[resource]/fields,
// /2/filters and /2/filters/[uuid] (rlib2 R_2_query*, R_2_filters*).

import { HttpError, pyExceptionText } from "./errors.ts";
import { type HandlerContext, type ResourceHandlers, checkType, param } from "./handler-context.ts";
import { isPyDict, isPyInt, pyTypeName } from "./py-json.ts";
import { flagArg, stringArg } from "./query-args.ts";
import { queryFields, runQuery } from "./query.ts";
import type { FilterRecord } from "./state.ts";
import { filterView } from "./views.ts";

function splitFields(text: string): string[] {
  return text.split(",").map((name) => name.trim());
}

function fieldsFromQuery(context: HandlerContext): string[] {
  const text = stringArg(context.query, "fields");
  if (text === undefined) {
    throw new HttpError(400, "Missing 'fields' query argument");
  }
  return splitFields(text);
}

function putQuery(context: HandlerContext): unknown {
  checkType(context.body, "dict", "Body contents");
  const body = context.body as Record<string, unknown>;
  const fields = Object.hasOwn(body, "fields") ? body.fields : fieldsFromQuery(context);
  if (!Array.isArray(fields) || !fields.every((name) => typeof name === "string")) {
    throw new HttpError(500, pyExceptionText(["Invalid query fields: expected a list of strings", "wrong_input"]));
  }
  // rlib2 still accepts the pre-2.7 name `filter`.
  const filter = body.qfilter ?? body.filter ?? null;
  return runQuery(context.state, context.jobs, param(context, "resource"), fields, filter);
}

/** Checks a filter rule body like rlib2's checkFilterParameters. */
function filterParameters(body: unknown): Omit<FilterRecord, "uuid" | "watermark"> {
  if (!isPyDict(body)) {
    throw new HttpError(400, "Invalid body contents, not a dictionary");
  }
  for (const name of Object.keys(body)) {
    if (!["priority", "predicates", "action", "reason"].includes(name)) {
      throw new HttpError(400, `Invalid body parameters: filter rule doesn't support the parameter '${name}'`);
    }
  }

  const typed = (name: string, fallback: unknown, expected: "int" | "list"): unknown => {
    const value = Object.hasOwn(body, name) ? body[name] : fallback;
    const matches = expected === "int" ? isPyInt(value) : Array.isArray(value);
    if (!matches) {
      throw new HttpError(400, `'${name}' parameter: Type is '${pyTypeName(value)}', but '${expected}' is expected`);
    }
    return value;
  };
  return {
    priority: Number(typed("priority", 0, "int")),
    predicates: typed("predicates", [], "list") as unknown[],
    action: Object.hasOwn(body, "action") ? body.action : "CONTINUE",
    reasonTrail: typed("reason", [], "list") as unknown[],
  };
}

function saveFilter(context: HandlerContext, uuid: string): string {
  const parameters = filterParameters(context.body);
  context.state.filters.set(uuid, { uuid, watermark: context.jobs.highestId(), ...parameters });
  return uuid;
}

function getFilter(context: HandlerContext): unknown {
  const filter = context.state.filters.get(param(context, "uuid"));
  if (filter === undefined) {
    throw new HttpError(404);
  }
  return filterView(filter);
}

function deleteFilter(context: HandlerContext): unknown {
  const uuid = param(context, "uuid");
  if (!context.state.filters.delete(uuid)) {
    throw new HttpError(500, pyExceptionText([`Filter uuid ${uuid} not found`, "unknown_entity"]));
  }
  return null;
}

function listFilters(context: HandlerContext): unknown {
  const filters = [...context.state.filters.values()].sort((left, right) => left.uuid.localeCompare(right.uuid));
  if (flagArg(context.query, "bulk")) {
    return filters.map(filterView);
  }
  return filters.map((filter) => ({ uuid: filter.uuid, uri: `/2/filters/${filter.uuid}` }));
}

export const QUERY_HANDLERS: Readonly<Record<string, ResourceHandlers>> = {
  "/2/query/[resource]": {
    GET: (context) => runQuery(context.state, context.jobs, param(context, "resource"), fieldsFromQuery(context), null),
    PUT: putQuery,
  },
  "/2/query/[resource]/fields": {
    GET: (context) => {
      const text = stringArg(context.query, "fields");
      return queryFields(param(context, "resource"), text === undefined ? undefined : splitFields(text));
    },
  },
  "/2/filters": {
    GET: listFilters,
    POST: (context) => saveFilter(context, context.state.newUuid()),
  },
  "/2/filters/[uuid]": {
    GET: getFilter,
    PUT: (context) => saveFilter(context, param(context, "uuid")),
    DELETE: deleteFilter,
  },
};
