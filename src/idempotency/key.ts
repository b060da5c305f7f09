/**
 * The Idempotency-Key request header: a client-chosen key that makes a retried
 * write reach the daemon once. The value may be a bare token or a quoted
 * Structured Field string (`"abc"`), as the IETF httpapi draft writes it;
 * both forms name the same key.
 */
import type { NormalisedBody } from "../rapi/body";
import { RapiError } from "../rapi/errors";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

const MAX_KEY_LENGTH = 255;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** Unquotes an RFC 8941 string, where only \" and \\ are escapes; undefined when the quoting is broken. */
function unquoteStructuredString(value: string): string | undefined {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) {
    return value;
  }

  let unquoted = "";
  const end = value.length - 1;
  for (let index = 1; index < end; index += 1) {
    const character = value[index];
    if (character === '"') {
      return undefined;
    }
    if (character === "\\") {
      const escaped = value[index + 1];
      if (index + 1 >= end || (escaped !== '"' && escaped !== "\\")) {
        return undefined;
      }
      unquoted += escaped;
      index += 1;
      continue;
    }
    unquoted += character;
  }
  return unquoted;
}

/**
 * Reads the header value; null when the header is absent. A key must be 1 to
 * 255 printable ASCII characters, else the request gets 400.
 */
export function parseIdempotencyKey(value: string | null): string | null {
  if (value === null) {
    return null;
  }
  const key = unquoteStructuredString(value);
  if (key === undefined || key.length === 0 || key.length > MAX_KEY_LENGTH || !PRINTABLE_ASCII.test(key)) {
    throw new RapiError(400, `Invalid ${IDEMPOTENCY_KEY_HEADER} header: use 1 to ${MAX_KEY_LENGTH} printable ASCII characters`, {
      detail: `rejected an ${IDEMPOTENCY_KEY_HEADER} of ${value.length} characters`,
    });
  }
  return key;
}

/**
 * Returns the SHA-256 (hex) of what makes two writes the same request: the
 * method, the raw target (path and query, argument order included) and the
 * body as parsed JSON, so whitespace does not count but key order does.
 */
export async function fingerprintWrite(method: string, target: string, body: NormalisedBody): Promise<string> {
  const canonicalBody = body.kind === "json" ? JSON.stringify(body.value) : null;
  const text = JSON.stringify([method, target, canonicalBody]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Returns the Durable Object name for one user's key; the JSON array keeps the two apart whatever they contain. */
export function writeOnceName(user: string, key: string): string {
  return JSON.stringify([user, key]);
}
