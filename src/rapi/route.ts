import { RAPI_RESOURCES, type AccessLevel, type HttpMethod, type RapiResource } from "./resources";

/** A request path matched against the resource table. */
export type RouteMatch =
  | { readonly kind: "found"; readonly resource: RapiResource; readonly method: HttpMethod; readonly access: AccessLevel; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: "not-found" }
  | { readonly kind: "method-not-supported"; readonly resource: RapiResource };

// ganeti-rapi's connector matches names with [A-Za-z0-9_.-]+ and ids with
// digits; it never percent-decodes, so "%" in a segment can never match.
const NAME_SEGMENT = /^[A-Za-z0-9_.-]+$/;
const DIGITS_SEGMENT = /^[0-9]+$/;
const DIGIT_PARAMETERS = new Set(["job_id", "disk"]);

interface CompiledResource {
  readonly resource: RapiResource;
  readonly segments: readonly string[];
}

const COMPILED: readonly CompiledResource[] = RAPI_RESOURCES.map((resource) => ({
  resource,
  segments: splitPath(resource.path),
}));

// Most requests name a resource without parameters (/2/info, /2/instances),
// so those are found with one lookup; the others are grouped by length.
const LITERAL_RESOURCES = new Map(COMPILED.filter((compiled) => !compiled.resource.path.includes("{")).map((compiled) => [compiled.resource.path, compiled.resource]));
const PARAMETER_RESOURCES_BY_LENGTH = new Map<number, CompiledResource[]>();
for (const compiled of COMPILED) {
  if (compiled.resource.path.includes("{")) {
    const sameLength = PARAMETER_RESOURCES_BY_LENGTH.get(compiled.segments.length) ?? [];
    sameLength.push(compiled);
    PARAMETER_RESOURCES_BY_LENGTH.set(compiled.segments.length, sameLength);
  }
}

function splitPath(path: string): string[] {
  return path === "/" ? [] : path.slice(1).split("/");
}

function matchSegment(pattern: string, segment: string, params: Record<string, string>): boolean {
  if (!pattern.startsWith("{")) {
    return pattern === segment;
  }

  const name = pattern.slice(1, -1);
  const syntax = DIGIT_PARAMETERS.has(name) ? DIGITS_SEGMENT : NAME_SEGMENT;

  // A name made only of dots would be a dot segment to every other HTTP
  // component between the client and the daemon, so it never names an object.
  if (!syntax.test(segment) || /^\.+$/.test(segment)) {
    return false;
  }

  params[name] = segment;
  return true;
}

/**
 * Finds the resource for a raw request path (as sent, not percent-decoded)
 * and the access level its method needs.
 */
export function matchRoute(path: string, method: string): RouteMatch {
  if (!path.startsWith("/")) {
    return { kind: "not-found" };
  }

  const literal = LITERAL_RESOURCES.get(path);
  if (literal !== undefined) {
    return withMethod(literal, method, {});
  }

  const segments = splitPath(path);
  for (const compiled of PARAMETER_RESOURCES_BY_LENGTH.get(segments.length) ?? []) {
    const params: Record<string, string> = {};
    const matches = compiled.segments.every((pattern, index) => matchSegment(pattern, segments[index] ?? "", params));
    if (matches) {
      return withMethod(compiled.resource, method, params);
    }
  }
  return { kind: "not-found" };
}

function withMethod(resource: RapiResource, method: string, params: Record<string, string>): RouteMatch {
  const access = resource.methods[method as HttpMethod];
  if (access === undefined) {
    return { kind: "method-not-supported", resource };
  }
  return { kind: "found", resource, method: method as HttpMethod, access, params };
}
