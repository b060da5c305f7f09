/** The content of an Authorization header, parsed the way ganeti-rapi parses it. */
export type Credentials =
  | { readonly kind: "absent" }
  | { readonly kind: "basic-without-credentials" }
  | { readonly kind: "invalid"; readonly reason: "empty" | "unsupported-scheme" | "undecodable" | "no-colon" }
  | { readonly kind: "basic"; readonly username: string; readonly password: string };

/**
 * Parses an Authorization header value (`null` when the header is missing).
 *
 * The scheme word is case-insensitive (RFC 7617) and only the first token
 * after it is decoded, as the daemon does. Credentials that are not ASCII
 * once decoded are a failed login, never an error.
 */
export function parseAuthorization(value: string | null): Credentials {
  if (value === null) {
    return { kind: "absent" };
  }

  const parts = value.trim().split(/\s+/, 3);
  const scheme = parts[0] ?? "";
  if (scheme === "") {
    return { kind: "invalid", reason: "empty" };
  }
  if (scheme.toLowerCase() !== "basic") {
    return { kind: "invalid", reason: "unsupported-scheme" };
  }

  const encoded = parts[1];
  if (encoded === undefined) {
    return { kind: "basic-without-credentials" };
  }

  const decoded = decodeBase64Leniently(encoded);
  if (decoded === undefined) {
    return { kind: "invalid", reason: "undecodable" };
  }

  const colon = decoded.indexOf(":");
  if (colon < 0) {
    return { kind: "invalid", reason: "no-colon" };
  }
  return { kind: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const BASE64_ALPHABET = /[A-Za-z0-9+/=]/;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Decodes base64 as Python's base64.b64decode does without validate=True:
 * characters outside the alphabet are skipped, the data must be padded to a
 * whole quantum, and the decoded bytes must be ASCII. Returns undefined where
 * the daemon would fail to decode.
 */
export function decodeBase64Leniently(encoded: string): string | undefined {
  if (NON_ASCII.test(encoded)) {
    return undefined;
  }

  const kept = [...encoded].filter((character) => BASE64_ALPHABET.test(character)).join("");
  const firstPad = kept.indexOf("=");
  const data = firstPad < 0 ? kept : kept.slice(0, firstPad);
  const padding = firstPad < 0 ? 0 : countLeadingPads(kept.slice(firstPad));

  const remainder = data.length % 4;
  if (remainder === 1) {
    return undefined;
  }
  if (remainder !== 0 && padding < 4 - remainder) {
    return undefined;
  }

  let binary: string;
  try {
    binary = atob(data + "=".repeat((4 - remainder) % 4));
  } catch {
    return undefined;
  }
  return NON_ASCII.test(binary) ? undefined : binary;
}

function countLeadingPads(text: string): number {
  let count = 0;
  while (count < text.length && text[count] === "=") {
    count += 1;
  }
  return count;
}
