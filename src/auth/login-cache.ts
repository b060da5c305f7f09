import type { Identity } from "./access";

type UserIdentity = Extract<Identity, { kind: "user" }>;

interface CachedLogin {
  readonly identity: UserIdentity;
  readonly expiresAt: number;
}

// Bounds memory the same way the user cache does; the oldest entry goes first.
const MAX_CACHED_LOGINS = 10_000;

// Base64 decoding skips characters outside its alphabet, as the daemon's
// does, so one valid login has endless spellings. Only ordinary-sized
// headers are cached, which keeps the keys to an estimated 10 MB at most.
const MAX_CACHED_HEADER_LENGTH = 1024;

/**
 * Successful logins of this isolate, keyed by the exact Authorization header
 * value, so a client that sends the same credentials again skips decoding
 * and password hashing. An entry lives no longer than a cached user record,
 * so a changed password or a removed user takes effect within the same time.
 * Failed logins are never cached: each one costs a full check.
 */
export class LoginCache {
  readonly #ttlMs: number;
  readonly #logins = new Map<string, CachedLogin>();

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  find(authorization: string, now: number): UserIdentity | undefined {
    const cached = this.#logins.get(authorization);
    if (cached === undefined) {
      return undefined;
    }
    if (cached.expiresAt <= now) {
      this.#logins.delete(authorization);
      return undefined;
    }
    return cached.identity;
  }

  remember(authorization: string, identity: UserIdentity, now: number): void {
    if (this.#ttlMs <= 0 || authorization.length > MAX_CACHED_HEADER_LENGTH) {
      return;
    }
    if (this.#logins.size >= MAX_CACHED_LOGINS) {
      const oldest = this.#logins.keys().next();
      if (oldest.done !== true) {
        this.#logins.delete(oldest.value);
      }
    }
    this.#logins.set(authorization, { identity, expiresAt: now + this.#ttlMs });
  }
}
