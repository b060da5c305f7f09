import type { JobFields } from "./wait";

/** A job in a final status, kept so it is never read from the daemon again. */
export interface FinalJob {
  /** The daemon's response to `GET /2/jobs/[id]`, returned untouched. */
  readonly status: number;
  readonly contentType: string | null;
  readonly body: ArrayBuffer;
  /** The same response body, parsed. */
  readonly job: JobFields;
  /** Values of fields read through the job query; grows as clients ask for more. */
  readonly extra: ReadonlyMap<string, unknown>;
  /** Milliseconds since the epoch. */
  readonly storedAt: number;
}

interface FinalJobRow extends Record<string, SqlStorageValue> {
  status: number;
  content_type: string | null;
  body: ArrayBuffer;
  stored_at: number;
}

interface FieldRow extends Record<string, SqlStorageValue> {
  name: string;
  value: string;
}

/**
 * The SQLite storage of one JobWatch object: at most one final job (the
 * object's own) and the query fields read for it.
 */
export class FinalJobStore {
  readonly #storage: DurableObjectStorage;
  #schemaReady = false;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
  }

  load(): FinalJob | undefined {
    this.#ensureSchema();
    const row = this.#storage.sql.exec<FinalJobRow>("SELECT status, content_type, body, stored_at FROM final_job LIMIT 1").toArray()[0];
    if (row === undefined) {
      return undefined;
    }

    const extra = new Map<string, unknown>();
    for (const field of this.#storage.sql.exec<FieldRow>("SELECT name, value FROM final_job_field")) {
      extra.set(field.name, JSON.parse(field.value) as unknown);
    }
    const job = JSON.parse(new TextDecoder().decode(row.body)) as JobFields;
    return { status: row.status, contentType: row.content_type, body: row.body, job, extra, storedAt: row.stored_at };
  }

  save(finalJob: FinalJob): void {
    this.#ensureSchema();
    this.#storage.sql.exec("DELETE FROM final_job");
    this.#storage.sql.exec(
      "INSERT INTO final_job (status, content_type, body, stored_at) VALUES (?, ?, ?, ?)",
      finalJob.status,
      finalJob.contentType,
      finalJob.body,
      finalJob.storedAt,
    );
    this.saveFields(finalJob.extra);
  }

  saveFields(values: ReadonlyMap<string, unknown>): void {
    this.#ensureSchema();
    for (const [name, value] of values) {
      this.#storage.sql.exec("INSERT OR REPLACE INTO final_job_field (name, value) VALUES (?, ?)", name, JSON.stringify(value));
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
    this.#storage.sql.exec("CREATE TABLE IF NOT EXISTS final_job (status INTEGER NOT NULL, content_type TEXT, body BLOB NOT NULL, stored_at INTEGER NOT NULL)");
    this.#storage.sql.exec("CREATE TABLE IF NOT EXISTS final_job_field (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
    this.#schemaReady = true;
  }
}
