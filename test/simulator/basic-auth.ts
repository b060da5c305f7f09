// HTTP Basic credentials as ganeti.http.auth (3.0.2) reads them, including
// Python's lenient base64 decoding and the {cleartext}/{HA1} password schemes.

import { createHash } from "node:crypto";

export const AUTH_REALM = "Ganeti Remote API";

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Decodes base64 like Python 3.11's base64.b64decode(data) with its default
 * validate=False: characters outside the alphabet are skipped, decoding stops
 * at the padding that completes a quantum, and a missing padding is an error.
 * Returns undefined where Python raises binascii.Error.
 */
export function decodePythonBase64(data: string): Uint8Array | undefined {
  const output: number[] = [];
  let quantumPosition = 0;
  let pendingBits = 0;
  let padCount = 0;

  for (const char of data) {
    if (char === "=") {
      if (quantumPosition >= 2) {
        padCount += 1;
        if (quantumPosition + padCount >= 4) {
          return Uint8Array.from(output);
        }
      }
      continue;
    }

    const sextet = BASE64_ALPHABET.indexOf(char);
    if (sextet < 0) {
      continue;
    }
    padCount = 0;

    switch (quantumPosition) {
      case 0:
        pendingBits = sextet;
        quantumPosition = 1;
        break;
      case 1:
        output.push(((pendingBits << 2) | (sextet >> 4)) & 0xff);
        pendingBits = sextet & 0x0f;
        quantumPosition = 2;
        break;
      case 2:
        output.push(((pendingBits << 4) | (sextet >> 2)) & 0xff);
        pendingBits = sextet & 0x03;
        quantumPosition = 3;
        break;
      default:
        output.push(((pendingBits << 6) | sextet) & 0xff);
        pendingBits = 0;
        quantumPosition = 0;
    }
  }

  return quantumPosition === 0 ? Uint8Array.from(output) : undefined;
}

export type AuthorizationHeader =
  | { readonly kind: "absent" }
  /** Basic scheme with no credentials, which the daemon rejects with 400. */
  | { readonly kind: "basic-without-credentials" }
  /** Anything that can never log in: other schemes, bad base64, no colon. */
  | { readonly kind: "unusable" }
  | { readonly kind: "basic"; readonly user: string; readonly password: string };

/**
 * Parses an Authorization header value. The scheme word is case-insensitive
 * (RFC 2617, section 1.2); the credentials are the second whitespace-separated
 * word, decoded as ASCII and split at the first colon.
 */
export function parseAuthorization(value: string | undefined): AuthorizationHeader {
  if (value === undefined) {
    return { kind: "absent" };
  }

  const words = value.trim().split(/\s+/).filter((word) => word !== "");
  const scheme = words[0];
  if (scheme === undefined || scheme.toLowerCase() !== "basic") {
    return { kind: "unusable" };
  }

  const encoded = words[1];
  if (encoded === undefined) {
    return { kind: "basic-without-credentials" };
  }
  if (!isAscii(encoded)) {
    return { kind: "unusable" };
  }

  const decoded = decodePythonBase64(encoded);
  if (decoded === undefined || decoded.some((byte) => byte > 0x7f)) {
    return { kind: "unusable" };
  }

  const credentials = String.fromCharCode(...decoded);
  const colon = credentials.indexOf(":");
  if (colon < 0) {
    return { kind: "unusable" };
  }
  return { kind: "basic", user: credentials.slice(0, colon), password: credentials.slice(colon + 1) };
}

function isAscii(text: string): boolean {
  return [...text].every((char) => char.charCodeAt(0) < 0x80);
}

/** Computes RFC 2617's H(A1) for the daemon's fixed realm, as stored after `{HA1}`. */
export function computeHa1(user: string, password: string): string {
  return createHash("md5").update(`${user}:${AUTH_REALM}:${password}`).digest("hex");
}

/**
 * Checks a password against its users-file form. A value not starting with
 * `{` is cleartext; the scheme prefix is case-insensitive; an unknown or
 * empty scheme never matches.
 */
export function verifyPassword(user: string, password: string, stored: string): boolean {
  const expected = stored.startsWith("{") ? stored : `{CLEARTEXT}${stored}`;
  const schemeEnd = expected.indexOf("}", 1);
  if (schemeEnd <= 1) {
    return false;
  }

  const scheme = expected.slice(0, schemeEnd + 1).toUpperCase();
  const secret = expected.slice(schemeEnd + 1);
  if (scheme === "{CLEARTEXT}") {
    return password === secret;
  }
  if (scheme === "{HA1}") {
    return secret.toLowerCase() === computeHa1(user, password);
  }
  return false;
}
