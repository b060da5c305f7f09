import { DurableObject } from "cloudflare:workers";
import { loadConfig, type Config, type Env } from "../config";
import { errorAnswer, type EdgeAnswer } from "../edge-answer";
import { IDEMPOTENCY_KEY_HEADER } from "./key";
import { RapiError } from "../rapi/errors";
import { sendUpstream, type UpstreamRequest } from "../upstream/forward";
import { WriteOnceStore, type WriteAnswer } from "./write-once-store";

/** A write as it leaves for the daemon, with the fingerprint that identifies it. */
export interface WriteOnceRequest extends UpstreamRequest {
  readonly fingerprint: string;
}

export interface WriteOnceResult {
  readonly answer: EdgeAnswer;
  /** True when the answer is the stored answer to an earlier request with the same key. */
  readonly replayed: boolean;
}

const KEY_REUSED: EdgeAnswer = {
  kind: "error",
  status: 422,
  message: `${IDEMPOTENCY_KEY_HEADER} was already used for a different request`,
  detail: "idempotency key reused with another method, target or body",
};

// The object was evicted or restarted while the first request was upstream:
// the daemon may or may not have created a job, exactly as after a 502.
const OUTCOME_LOST: WriteAnswer = {
  kind: "error",
  status: 502,
  message: "Bad Gateway",
  detail: "the first request with this idempotency key ended without an answer",
};

function isRefusedAccount(answer: WriteAnswer): boolean {
  return answer.kind === "upstream" && (answer.status === 401 || answer.status === 403);
}

/**
 * One object per user and Idempotency-Key. The first write is sent upstream
 * once; its answer is stored with the request's fingerprint for
 * IDEMPOTENCY_WINDOW_SECONDS and returned to every retry, concurrent ones
 * included. The same key with a different request gets 422.
 */
export class WriteOnce extends DurableObject<Env> {
  readonly #store: WriteOnceStore;
  // Input gates stay open while the first request waits on fetch, so
  // concurrent retries must wait on this promise, not on storage.
  #inFlight: Promise<WriteAnswer> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new WriteOnceStore(ctx.storage);
  }

  async submit(request: WriteOnceRequest): Promise<WriteOnceResult> {
    let config: Config;
    try {
      config = loadConfig(this.env);
    } catch (error) {
      return { answer: errorAnswer(error), replayed: false };
    }

    const now = Date.now();
    let record = this.#store.load();
    if (record !== undefined && record.createdAt + config.idempotencyWindowMs <= now && this.#inFlight === undefined) {
      await this.#store.clear();
      record = undefined;
    }

    if (record !== undefined) {
      if (record.fingerprint !== request.fingerprint) {
        return { answer: KEY_REUSED, replayed: false };
      }
      if (record.state === "done") {
        return { answer: record.answer, replayed: true };
      }
      if (this.#inFlight !== undefined) {
        return { answer: await this.#inFlight, replayed: true };
      }
      this.#store.finish(OUTCOME_LOST);
      return { answer: OUTCOME_LOST, replayed: true };
    }

    // The pending row and the in-flight promise are set before the first
    // await, so no other request can slip in between them.
    this.#store.begin(request.fingerprint, now);
    const inFlight = this.#forward(config, request);
    this.#inFlight = inFlight;
    await this.ctx.storage.setAlarm(now + config.idempotencyWindowMs);
    return { answer: await inFlight, replayed: false };
  }

  /** Forgets the key once its window has passed. */
  override async alarm(): Promise<void> {
    if (this.#inFlight !== undefined) {
      await this.#inFlight.catch(() => undefined);
    }
    await this.#store.clear();
  }

  async #forward(config: Config, request: WriteOnceRequest): Promise<WriteAnswer> {
    try {
      let answer: WriteAnswer;
      try {
        const upstream = await sendUpstream(config, request);
        answer = { kind: "upstream", ...upstream };
      } catch (error) {
        if (!(error instanceof RapiError)) {
          throw error;
        }
        // A 502 or 504 is stored like any answer: the daemon may have
        // created the job, and a retry must never create a second one.
        answer = { kind: "error", status: error.status, message: error.message, detail: error.detail };
      }

      // The daemon refused the gateway's own account before running
      // anything, so a retry with the same key may try again.
      if (isRefusedAccount(answer)) {
        await this.#store.clear();
      } else {
        this.#store.finish(answer);
      }
      return answer;
    } finally {
      this.#inFlight = undefined;
    }
  }
}
