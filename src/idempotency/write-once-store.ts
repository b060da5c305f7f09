import type { EdgeAnswer } from "../edge-answer";
import type { RapiErrorStatus } from "../rapi/errors";

/** An answer a write can get: the daemon's, or the gateway's 502/504. */
export type WriteAnswer = Extract<EdgeAnswer, { kind: "upstream" | "error" }>;

/** The first request made with one user's key, and its answer once there is one. */
export type WriteRecord =
  | { readonly state: "pending"; readonly fingerprint: string; readonly createdAt: number }
  | { readonly state: "done"; readonly fingerprint: string; readonly createdAt: number; readonly answer: WriteAnswer };

interface WriteRow extends Record<string, SqlStorageValue> {
  fingerprint: string;
  state: string;
  created_at: number;
  kind: string | null;
  status: number | null;
  content_type: string | null;
  body: ArrayBuffer | null;
  message: string | null;
  detail: string | null;
}

function answerFromRow(row: WriteRow): WriteAnswer {
  if (row.kind === "upstream") {
    return { kind: "upstream", status: row.status ?? 502, contentType: row.content_type, body: row.body ?? new ArrayBuffer(0), elapsedMs: null };
  }
  return { kind: "error", status: (row.status ?? 502) as RapiErrorStatus, message: row.message ?? "Bad Gateway", detail: row.detail ?? undefined };
}

/** The SQLite storage of one WriteOnce object: one row, for its user and key. */
export class WriteOnceStore {
  readonly #storage: DurableObjectStorage;
  #schemaReady = false;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
  }

  load(): WriteRecord | undefined {
    this.#ensureSchema();
    const row = this.#storage.sql.exec<WriteRow>("SELECT * FROM write_once LIMIT 1").toArray()[0];
    if (row === undefined) {
      return undefined;
    }
    if (row.state === "pending") {
      return { state: "pending", fingerprint: row.fingerprint, createdAt: row.created_at };
    }
    return { state: "done", fingerprint: row.fingerprint, createdAt: row.created_at, answer: answerFromRow(row) };
  }

  /** Records that the first request is on its way upstream, before it is sent. */
  begin(fingerprint: string, createdAt: number): void {
    this.#ensureSchema();
    this.#storage.sql.exec("DELETE FROM write_once");
    this.#storage.sql.exec("INSERT INTO write_once (fingerprint, state, created_at) VALUES (?, 'pending', ?)", fingerprint, createdAt);
  }

  finish(answer: WriteAnswer): void {
    this.#ensureSchema();
    if (answer.kind === "upstream") {
      this.#storage.sql.exec(
        "UPDATE write_once SET state = 'done', kind = 'upstream', status = ?, content_type = ?, body = ?",
        answer.status,
        answer.contentType,
        answer.body,
      );
    } else {
      this.#storage.sql.exec("UPDATE write_once SET state = 'done', kind = 'error', status = ?, message = ?, detail = ?", answer.status, answer.message, answer.detail ?? null);
    }
  }

  /** Deletes everything the object stored, its alarm included. */
  async clear(): Promise<void> {
    await this.#storage.deleteAll();
    this.#schemaReady = false;
  }

  #ensureSchema(): void {
    if (this.#schemaReady) {
      return;
    }
    this.#storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS write_once (fingerprint TEXT NOT NULL, state TEXT NOT NULL, created_at INTEGER NOT NULL, kind TEXT, status INTEGER, content_type TEXT, body BLOB, message TEXT, detail TEXT)",
    );
    this.#schemaReady = true;
  }
}
