// The daemon's authentication and access decision (ganeti.http.auth
// PreHandleRequest and ganeti.server.rapi Authenticate, 3.0.2).

import { AUTH_REALM, parseAuthorization, verifyPassword } from "./basic-auth.ts";
import { HttpError } from "./errors.ts";
import type { RapiUser } from "./users-file.ts";

/** User option a (resource, method) needs: none, read or write, or write. */
export type AccessLevel = "any" | "read" | "write";

const OPTIONS_GRANTING: Record<AccessLevel, readonly string[]> = {
  any: [],
  read: ["read", "write"],
  write: ["write"],
};

export interface AccessRequest {
  /** Authorization header value, or undefined when the header is absent. */
  readonly authorization: string | undefined;
  readonly access: AccessLevel;
  readonly requireAuth: boolean;
  readonly users: ReadonlyMap<string, RapiUser>;
}

/**
 * Returns the authenticated user name (undefined for anonymous use) or
 * throws the daemon's 400, 401 or 403. Credentials that are sent are checked
 * even where no login is required, as the daemon does.
 */
export function authorizeRequest(request: AccessRequest): string | undefined {
  const loginRequired = request.requireAuth || request.access !== "any";
  if (!loginRequired && request.authorization === undefined) {
    return undefined;
  }

  const header = parseAuthorization(request.authorization);
  if (header.kind === "basic-without-credentials") {
    throw new HttpError(400, "Basic authentication requires credentials");
  }

  const user = header.kind === "basic" ? request.users.get(header.user) : undefined;
  if (header.kind !== "basic" || user === undefined || !verifyPassword(header.user, header.password, user.password)) {
    throw new HttpError(401, undefined, { "WWW-Authenticate": `Basic realm="${AUTH_REALM}"` });
  }

  const granting = OPTIONS_GRANTING[request.access];
  if (granting.length > 0 && !user.options.some((option) => granting.includes(option))) {
    throw new HttpError(403);
  }
  return user.name;
}
