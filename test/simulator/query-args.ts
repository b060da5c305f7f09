// Query arguments as the daemon reads them: urllib.parse.parse_qs with its
// defaults, and baserlib's int and string argument helpers.

import { HttpError } from "./errors.ts";

export type QueryArgs = ReadonlyMap<string, readonly string[]>;

/**
 * Parses a query string like Python's parse_qs(query): pairs split on `&`,
 * `+` means space, percent-escapes decode as UTF-8, pairs without `=` and
 * blank values are dropped, repeated names keep every value in order.
 */
export function parseQueryArgs(query: string): QueryArgs {
  const args = new Map<string, string[]>();
  for (const pair of query.split("&")) {
    const equals = pair.indexOf("=");
    if (equals < 0) {
      continue;
    }
    const value = pair.slice(equals + 1);
    if (value === "") {
      continue;
    }
    const name = unquotePlus(pair.slice(0, equals));
    const values = args.get(name) ?? [];
    values.push(unquotePlus(value));
    args.set(name, values);
  }
  return args;
}

/** Decodes `+` and percent-escapes; invalid escapes stay as written, invalid UTF-8 becomes U+FFFD. */
function unquotePlus(text: string): string {
  const bytes: number[] = [];
  const plain = text.replaceAll("+", " ");
  for (let index = 0; index < plain.length; index += 1) {
    const hex = plain.slice(index + 1, index + 3);
    if (plain[index] === "%" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(plain[index] ?? "", "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Parses text the way Python's int() does for plain decimal strings, or returns undefined. */
export function parsePyInt(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(trimmed)) {
    return undefined;
  }
  return Number.parseInt(trimmed.replaceAll("_", ""), 10);
}

/** Returns the first value of an int argument, as baserlib's _checkIntVariable; 400 when it is not an int. */
export function intArg(args: QueryArgs, name: string, fallback = 0): number {
  const text = args.get(name)?.[0];
  if (text === undefined) {
    return fallback;
  }
  const value = parsePyInt(text);
  if (value === undefined) {
    throw new HttpError(400, `Invalid value for the '${name}' parameter`);
  }
  return value;
}

/** Returns the flag value of an int argument such as `bulk=1` or `dry-run=1`. */
export function flagArg(args: QueryArgs, name: string, fallback = 0): boolean {
  return intArg(args, name, fallback) !== 0;
}

export function stringArg(args: QueryArgs, name: string): string | undefined {
  return args.get(name)?.[0];
}
