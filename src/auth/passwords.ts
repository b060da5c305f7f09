/**
 * Password checks with the rules of Ganeti's users file: `{cleartext}x`, a
 * bare `x` that does not start with "{", and `{HA1}hex` where hex is
 * MD5("user:Ganeti Remote API:password") (RFC 2617 H(A1)). Scheme prefixes
 * are case-insensitive and any other scheme never matches.
 */

import { RAPI_REALM } from "./realm";

const encoder = new TextEncoder();

/** Checks a password sent by a client against the stored form. */
export async function verifyPassword(username: string, password: string, stored: string): Promise<boolean> {
  const withScheme = stored.startsWith("{") ? stored : `{cleartext}${stored}`;

  const schemeEnd = withScheme.indexOf("}", 1);
  if (schemeEnd <= 1) {
    return false;
  }
  const scheme = withScheme.slice(0, schemeEnd + 1).toUpperCase();
  const expected = withScheme.slice(schemeEnd + 1);

  if (scheme === "{CLEARTEXT}") {
    return constantTimeEqual(password, expected);
  }
  if (scheme === "{HA1}") {
    const ha1 = await computeHa1(username, password);
    return constantTimeEqual(ha1, expected.toLowerCase());
  }
  return false;
}

/** Computes RFC 2617 H(A1) for the RAPI realm, as lower-case hex. */
export async function computeHa1(username: string, password: string): Promise<string> {
  const digest = await crypto.subtle.digest("MD5", encoder.encode(`${username}:${RAPI_REALM}:${password}`));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Compares two strings in time that does not depend on where they differ.
 * Both are hashed first, so the comparison always gets equal lengths.
 */
export async function constantTimeEqual(left: string, right: string): Promise<boolean> {
  const [leftHash, rightHash] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(left)),
    crypto.subtle.digest("SHA-256", encoder.encode(right)),
  ]);
  return crypto.subtle.timingSafeEqual(leftHash, rightHash);
}
