import { RapiError } from "../rapi/errors";
import { parseUserRecord, userKey, type UserRecord } from "./users-file";

interface CacheEntry {
  readonly record: UserRecord | undefined;
  readonly expiresAt: number;
}

// Bounds the cache so a flood of made-up user names cannot grow the isolate's
// memory without limit; Map keeps insertion order, so the oldest goes first.
const MAX_CACHED_USERS = 10_000;

// Workers KV rejects keys over 512 bytes, so no user is stored under one and
// reading it would fail like an outage of the store.
const MAX_KV_KEY_BYTES = 512;

const encoder = new TextEncoder();

/**
 * Users kept in KV, with a short in-isolate cache so a warm isolate does not
 * read KV on every request. Unknown users are cached too. A change in KV
 * takes effect once the entry expires (`ttlMs`).
 */
export class UserDirectory {
  readonly #kv: KVNamespace;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, CacheEntry>();

  constructor(kv: KVNamespace, ttlMs: number) {
    this.#kv = kv;
    this.#ttlMs = ttlMs;
  }

  /** Looks a user up; a KV failure is a 503 so that authentication fails closed. */
  async find(name: string, now: number): Promise<UserRecord | undefined> {
    const cached = this.#cache.get(name);
    if (cached !== undefined && cached.expiresAt > now) {
      return cached.record;
    }

    const key = userKey(name);
    if (encoder.encode(key).byteLength > MAX_KV_KEY_BYTES) {
      return undefined;
    }

    let stored: string | null;
    try {
      stored = await this.#kv.get(key, "text");
    } catch (error) {
      throw new RapiError(503, undefined, { detail: `users store read failed: ${String(error)}` });
    }

    const record = stored === null ? undefined : parseUserRecord(parseJson(stored));
    this.#remember(name, { record, expiresAt: now + this.#ttlMs });
    return record;
  }

  #remember(name: string, entry: CacheEntry): void {
    this.#cache.delete(name);
    if (this.#cache.size >= MAX_CACHED_USERS) {
      const oldest = this.#cache.keys().next();
      if (oldest.done !== true) {
        this.#cache.delete(oldest.value);
      }
    }
    this.#cache.set(name, entry);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
