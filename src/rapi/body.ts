import { RapiError } from "./errors";
import { pythonTypeName } from "./python-json";
import type { RouteMatch } from "./route";

/** A request body ready to forward: JSON text, or none. */
export type NormalisedBody = { readonly kind: "none" } | { readonly kind: "json"; readonly text: string; readonly value: unknown };

// Roles PUT /2/nodes/[node]/role takes (Ganeti's node roles).
const NODE_ROLES = new Set(["master", "master-candidate", "regular", "drained", "offline"]);
const UTF8_CHARSETS = new Set(["utf-8", "utf8", "us-ascii"]);

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Checks a Content-Type for a JSON body. ganeti-rapi compares the whole header
 * value, so `application/json; charset=utf-8` would get 415 there. The edge
 * accepts any parameters and case, but not a charset other than UTF-8,
 * because JSON text is UTF-8 (RFC 8259, section 8.1).
 */
export function isJsonContentType(value: string | null): boolean {
  if (value === null) {
    return false;
  }
  const [mediaType, ...parameters] = value.split(";");
  if (mediaType?.trim().toLowerCase() !== "application/json") {
    return false;
  }
  return parameters.every((parameter) => {
    const [name, rawValue] = parameter.split("=", 2);
    if (name?.trim().toLowerCase() !== "charset") {
      return true;
    }
    const charset = (rawValue ?? "").trim().replace(/^"(.*)"$/, "$1").toLowerCase();
    return UTF8_CHARSETS.has(charset);
  });
}

function isNodeRoleChange(route: RouteMatch): boolean {
  return route.kind === "found" && route.method === "PUT" && route.resource.path === "/2/nodes/{node}/role";
}

/**
 * Reads a node role from the forms strict JSON encoders produce: the JSON
 * string RAPI expects, a one-element list, or the unquoted word. Other JSON
 * gets the daemon's own message for a body of the wrong type.
 */
function parseNodeRole(text: string): string {
  const trimmed = text.trim();
  if (NODE_ROLES.has(trimmed)) {
    return trimmed;
  }
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw new RapiError(400, "Unable to parse JSON data", { detail: "node role body is neither JSON nor a role name" });
  }
  if (typeof value === "string") {
    return value;
  }
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === "string") {
    return value[0];
  }
  throw new RapiError(400, `Body contents: Type is '${pythonTypeName(value)}', but 'str' is expected`);
}

/**
 * Validates and normalises a request body before it leaves the edge. An empty
 * body passes with any Content-Type, because Ganeti's Python client sends one
 * on every GET. A non-empty one must be JSON in UTF-8 under a JSON Content-Type.
 */
export function normaliseBody(route: RouteMatch, contentType: string | null, bytes: Uint8Array): NormalisedBody {
  if (bytes.byteLength === 0) {
    return { kind: "none" };
  }
  if (!isJsonContentType(contentType)) {
    throw new RapiError(415);
  }

  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new RapiError(400, "Unable to parse JSON data", { detail: "body is not valid UTF-8" });
  }

  if (isNodeRoleChange(route)) {
    const role = parseNodeRole(text);
    return { kind: "json", text: JSON.stringify(role), value: role };
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RapiError(400, "Unable to parse JSON data", { detail: "body is not valid JSON" });
  }
  return { kind: "json", text: escapeNonAscii(text), value };
}

/**
 * Replaces every non-ASCII character of valid JSON text with its \uXXXX
 * escape. ganeti-rapi 3.0 compares Content-Length with the body's length in
 * characters, so a body with multi-byte UTF-8 never looks complete to it and
 * the request hangs until its read timeout. Outside strings JSON text is
 * ASCII, so only string contents change, and they keep their meaning.
 */
export function escapeNonAscii(text: string): string {
  return text.replace(/[^\x00-\x7f]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
