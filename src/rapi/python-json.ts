/**
 * Serialises a JSON value as ganeti-rapi does (Python's json.dumps with its
 * defaults): ", " between items, ": " after keys, and every character past
 * ASCII escaped as \uXXXX, so responses made at the edge read like the
 * daemon's. Python writes floats with a trailing ".0" that JSON.parse has
 * already dropped, so `1.0` from the daemon comes back as `1`.
 */
export function dumpPythonJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    return dumpScalar(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => dumpPythonJson(item)).join(", ")}]`;
  }
  const members = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .map(([key, member]) => `${escapeString(key)}: ${dumpPythonJson(member)}`);
  return `{${members.join(", ")}}`;
}

function dumpScalar(value: unknown): string {
  if (typeof value === "string") {
    return escapeString(value);
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    // Python writes NaN and Infinity, which are not JSON; null is.
    return "null";
  }
  return JSON.stringify(value) ?? "null";
}

function escapeString(text: string): string {
  return JSON.stringify(text).replace(/[\u0080-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Python's name for the type of a JSON value, as ganeti-rapi's CheckType
 * prints it. JSON.parse cannot tell `1.0` from `1`, so a whole number is
 * always an `int` here.
 */
export function pythonTypeName(value: unknown): string {
  if (Array.isArray(value)) {
    return "list";
  }
  switch (typeof value) {
    case "string":
      return "str";
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    default:
      return value === null ? "NoneType" : "dict";
  }
}
