// JSON as ganeti-rapi 3.0.2 reads and writes it: simplejson with its
// defaults (ensure_ascii, ", " and ": " separators) on Python values.
// Python keeps ints and floats apart (`1` is an int, `1.0` a float), and the
// daemon's checks depend on it, so floats parsed from text are PyFloat.

/** A JSON number that Python parses as a float (written with `.`, `e` or `E`). */
export class PyFloat {
  readonly value: number;

  constructor(value: number) {
    this.value = value;
  }
}

type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown;

const FLOAT_SOURCE = /[.eE]/;

const reviveFloats: Reviver = (_key, value, context) => {
  if (typeof value === "number" && context?.source !== undefined && FLOAT_SOURCE.test(context.source)) {
    return new PyFloat(value);
  }
  return value;
};

/**
 * Parses JSON text into Python-like values; throws SyntaxError on invalid text.
 * NOTE: simplejson also accepts NaN, Infinity and -Infinity and keeps integers
 * beyond 2**53 exact; this parser rejects the former and rounds the latter.
 */
export function parsePyJson(text: string): unknown {
  return JSON.parse(text, reviveFloats as (this: unknown, key: string, value: unknown) => unknown);
}

/** Serializes a value the way the daemon's DumpJson does, without the trailing newline. */
export function dumpPyJson(value: unknown): string {
  if (value === null || value === undefined) {
    return "null";
  }
  if (value === true) {
    return "true";
  }
  if (value === false) {
    return "false";
  }
  if (value instanceof PyFloat) {
    return formatPyFloat(value.value);
  }
  if (typeof value === "number") {
    return Number.isInteger(value) ? BigInt(value).toString() : formatPyFloat(value);
  }
  if (typeof value === "string") {
    return quotePyString(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(dumpPyJson).join(", ")}]`;
  }
  if (typeof value === "object") {
    const members = Object.entries(value as Record<string, unknown>).map(
      ([key, member]) => `${quotePyString(key)}: ${dumpPyJson(member)}`,
    );
    return `{${members.join(", ")}}`;
  }
  throw new TypeError(`cannot serialize a ${typeof value} as JSON`);
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** Quotes a string with simplejson's ensure_ascii rules: only ' '..'~' stay as they are. */
export function quotePyString(text: string): string {
  let quoted = '"';
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    const code = text.charCodeAt(index);
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) {
      quoted += short;
    } else if (code < 0x20 || code > 0x7e) {
      quoted += `\\u${code.toString(16).padStart(4, "0")}`;
    } else {
      quoted += char;
    }
  }
  return `${quoted}"`;
}

/**
 * Formats a float like Python's repr(): shortest round-trip digits, fixed
 * notation while the decimal exponent is in [-4, 16), exponent form otherwise.
 */
export function formatPyFloat(value: number): string {
  if (Number.isNaN(value)) {
    return "NaN";
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? "Infinity" : "-Infinity";
  }
  if (value === 0) {
    return Object.is(value, -0) ? "-0.0" : "0.0";
  }

  const sign = value < 0 ? "-" : "";
  const [mantissa = "0", exponentText = "0"] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const pointPosition = Number(exponentText) + 1;

  if (pointPosition > -4 && pointPosition <= 16) {
    if (pointPosition <= 0) {
      return `${sign}0.${"0".repeat(-pointPosition)}${digits}`;
    }
    if (pointPosition >= digits.length) {
      return `${sign}${digits}${"0".repeat(pointPosition - digits.length)}.0`;
    }
    return `${sign}${digits.slice(0, pointPosition)}.${digits.slice(pointPosition)}`;
  }

  const exponent = pointPosition - 1;
  const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
  const exponentSign = exponent < 0 ? "-" : "+";
  return `${sign}${digits.charAt(0)}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** Returns the name Python's type() gives a parsed JSON value, as used in the daemon's messages. */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) {
    return "NoneType";
  }
  if (typeof value === "boolean") {
    return "bool";
  }
  if (value instanceof PyFloat) {
    return "float";
  }
  if (typeof value === "number") {
    return Number.isInteger(value) ? "int" : "float";
  }
  if (typeof value === "string") {
    return "str";
  }
  return Array.isArray(value) ? "list" : "dict";
}

/** Tells whether Python's isinstance(value, int) holds: ints and, as in Python, booleans. */
export function isPyInt(value: unknown): boolean {
  return typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value));
}

export function isPyDict(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof PyFloat);
}

/** Returns the numeric value Python compares with `==` (bools are 0 and 1), or undefined for non-numbers. */
export function pyNumber(value: unknown): number | undefined {
  if (typeof value === "boolean") {
    return value ? 1 : 0;
  }
  if (typeof value === "number") {
    return value;
  }
  return value instanceof PyFloat ? value.value : undefined;
}

/**
 * Compares two JSON values the way Haskell's derived Eq on Text.JSON values
 * does: ints and floats differ, object members compare in order.
 */
export function jsonValuesEqual(left: unknown, right: unknown): boolean {
  if (left instanceof PyFloat || right instanceof PyFloat) {
    return left instanceof PyFloat && right instanceof PyFloat && left.value === right.value;
  }
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) {
      return false;
    }
    return left.every((item, index) => jsonValuesEqual(item, right[index]));
  }
  if (isPyDict(left) || isPyDict(right)) {
    if (!isPyDict(left) || !isPyDict(right)) {
      return false;
    }
    const leftEntries = Object.entries(left);
    const rightEntries = Object.entries(right);
    if (leftEntries.length !== rightEntries.length) {
      return false;
    }
    return leftEntries.every(([key, value], index) => {
      const rightEntry = rightEntries[index];
      return rightEntry !== undefined && rightEntry[0] === key && jsonValuesEqual(value, rightEntry[1]);
    });
  }
  return (left ?? null) === (right ?? null);
}
