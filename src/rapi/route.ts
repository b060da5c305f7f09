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
  const segments = splitPath(path);

  for (const compiled of COMPILED) {
    if (compiled.segments.length !== segments.length) {
      continue;
    }

    const params: Record<string, string> = {};
    const matches = compiled.segments.every((pattern, index) => matchSegment(pattern, segments[index] ?? "", params));
    if (!matches) {
      continue;
    }

    const access = compiled.resource.methods[method as HttpMethod];
    if (access === undefined) {
      return { kind: "method-not-supported", resource: compiled.resource };
    }
    return { kind: "found", resource: compiled.resource, method: method as HttpMethod, access, params };
  }

  return { kind: "not-found" };
}
