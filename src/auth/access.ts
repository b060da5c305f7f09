import type { AccessLevel } from "../rapi/resources";
import { verifyPassword } from "./passwords";
import { RAPI_REALM } from "./realm";
import type { Credentials } from "./basic";
import type { UserRecord } from "./users-file";

/** The identity a request runs as once it is allowed. */
export type Identity = { readonly kind: "anonymous" } | { readonly kind: "user"; readonly name: string; readonly options: readonly string[] };

/** The reason a request was rejected, which goes to the log and never on the wire. */
export type AccessDenial =
  | { readonly status: 400; readonly reason: "basic-without-credentials" }
  | { readonly status: 401; readonly reason: "missing-credentials" | "empty" | "unsupported-scheme" | "undecodable" | "no-colon" | "unknown-user" | "wrong-password" }
  | { readonly status: 403; readonly reason: "missing-option"; readonly username: string };

export type AccessDecision = { readonly allowed: true; readonly identity: Identity } | { readonly allowed: false; readonly denial: AccessDenial };

// An HA1 of the wrong length: no password can ever produce it.
const UNMATCHABLE_PASSWORD = "{HA1}-";

export const WWW_AUTHENTICATE = `Basic realm="${RAPI_REALM}"`;

/** True when a user's options grant an access level (read is granted by read or write). */
export function grants(options: readonly string[], level: AccessLevel): boolean {
  switch (level) {
    case "any":
      return true;
    case "read":
      return options.includes("read") || options.includes("write");
    case "write":
      return options.includes("write");
  }
}

/**
 * Decides access as ganeti-rapi does. A resource that needs no option is open
 * to anonymous callers only when authentication is not required, but
 * credentials that are sent are always checked. A valid user without the
 * needed option is rejected with 403.
 */
export async function decideAccess(
  level: AccessLevel,
  requireAuth: boolean,
  credentials: Credentials,
  findUser: (name: string) => Promise<UserRecord | undefined>,
): Promise<AccessDecision> {
  if (credentials.kind === "absent") {
    if (level === "any" && !requireAuth) {
      return { allowed: true, identity: { kind: "anonymous" } };
    }
    return deny({ status: 401, reason: "missing-credentials" });
  }
  if (credentials.kind === "basic-without-credentials") {
    return deny({ status: 400, reason: "basic-without-credentials" });
  }
  if (credentials.kind === "invalid") {
    return deny({ status: 401, reason: credentials.reason });
  }

  const user = await findUser(credentials.username);
  // An unknown user still costs one password check, so the answer's timing
  // does not tell which user names exist.
  const passwordMatches = await verifyPassword(credentials.username, credentials.password, user?.password ?? UNMATCHABLE_PASSWORD);
  if (user === undefined) {
    return deny({ status: 401, reason: "unknown-user" });
  }
  if (!passwordMatches) {
    return deny({ status: 401, reason: "wrong-password" });
  }
  if (!grants(user.options, level)) {
    return deny({ status: 403, reason: "missing-option", username: credentials.username });
  }
  return { allowed: true, identity: { kind: "user", name: credentials.username, options: user.options } };
}

function deny(denial: AccessDenial): AccessDecision {
  return { allowed: false, denial };
}
