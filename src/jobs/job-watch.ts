import { DurableObject } from "cloudflare:workers";
import { loadConfig, type Config, type Env } from "../config";
import { errorAnswer, type EdgeAnswer } from "../edge-answer";
import { logWarning } from "../log";
import { RapiError } from "../rapi/errors";
import { FinalJobStore, type FinalJob } from "./final-job-store";
import { readJobAnswer } from "./job-answer";
import { fieldsOutsideJobResource } from "./job-query";
import { fetchJob, queryJobFields } from "./job-upstream";
import { answerFromSnapshot, covers, jsonAnswer, NOT_CHANGED, withExtra, type JobSnapshot } from "./snapshot";
import { describeJob, type JobFields } from "./wait";
import type { WaitRequest } from "./wait-request";

/** A client held on `/wait` until the job changes or its wait ends. */
interface Waiter {
  readonly request: WaitRequest;
  readonly extraFields: readonly string[];
  readonly resolve: (answer: EdgeAnswer) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * One object per job id. It serves `GET /2/jobs/[id]` and `/wait` for that
 * job with a single poll loop however many clients wait. Once the job is
 * final it is stored, and the daemon is not polled for it again until
 * JOB_RETENTION_SECONDS have passed.
 */
export class JobWatch extends DurableObject<Env> {
  readonly #store: FinalJobStore;
  #finalJob: FinalJob | undefined;
  #finalJobLoaded = false;
  #snapshot: JobSnapshot | undefined;
  #poll: Promise<JobSnapshot> | undefined;
  #lastPollAt = 0;
  #nextPoll: ReturnType<typeof setTimeout> | undefined;
  readonly #waiters = new Set<Waiter>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new FinalJobStore(ctx.storage);
  }

  /** Returns the response to `GET /2/jobs/[id]`: the stored final job, or a snapshot at most one poll interval old. */
  async read(jobId: string): Promise<EdgeAnswer> {
    try {
      const config = loadConfig(this.env);
      const finalJob = this.#loadFinalJob(config);
      if (finalJob !== undefined) {
        return { kind: "upstream", status: finalJob.status, contentType: finalJob.contentType, body: finalJob.body, elapsedMs: null };
      }

      const snapshot = await this.#currentSnapshot(jobId, config, [], config.jobPollIntervalMs);
      return { kind: "upstream", ...snapshot.response };
    } catch (error) {
      return errorAnswer(error);
    }
  }

  /** Returns the response to `GET /2/jobs/[id]/wait` by RAPI's rules, holding the client until a change or the wait limit. */
  async wait(jobId: string, request: WaitRequest): Promise<EdgeAnswer> {
    try {
      const config = loadConfig(this.env);
      const extraFields = fieldsOutsideJobResource(request.fields);

      const finalJob = this.#loadFinalJob(config);
      if (finalJob !== undefined) {
        // A final job gets a response at once, whatever the client saw before.
        const job = await this.#finalJobWithFields(jobId, config, finalJob, extraFields);
        return jsonAnswer(describeJob(job, request));
      }

      const snapshot = await this.#currentSnapshot(jobId, config, extraFields, config.jobPollIntervalMs);
      return answerFromSnapshot(snapshot, request, jobId) ?? (await this.#hold(jobId, config, request, extraFields));
    } catch (error) {
      return errorAnswer(error);
    }
  }

  /** Forgets the final job once its retention has passed. */
  override async alarm(): Promise<void> {
    await this.#store.clear();
    this.#finalJob = undefined;
    this.#finalJobLoaded = false;
    this.#snapshot = undefined;
  }

  #loadFinalJob(config: Config): FinalJob | undefined {
    if (!this.#finalJobLoaded) {
      this.#finalJob = this.#store.load();
      this.#finalJobLoaded = true;
    }
    // An alarm that has not run yet must not extend the retention.
    if (this.#finalJob !== undefined && this.#finalJob.storedAt + config.jobRetentionMs <= Date.now()) {
      return undefined;
    }
    return this.#finalJob;
  }

  /** Returns the final job with `extraFields` added, reading the missing ones from the daemon once. */
  async #finalJobWithFields(jobId: string, config: Config, finalJob: FinalJob, extraFields: readonly string[]): Promise<JobFields> {
    const missing = extraFields.filter((field) => !finalJob.extra.has(field));
    if (missing.length === 0) {
      return withExtra(finalJob.job, finalJob.extra);
    }

    const values = await queryJobFields(config, jobId, missing);
    this.#store.saveFields(values);
    const extra = new Map([...finalJob.extra, ...values]);
    this.#finalJob = { ...finalJob, extra };
    return withExtra(finalJob.job, extra);
  }

  #hold(jobId: string, config: Config, request: WaitRequest, extraFields: readonly string[]): Promise<EdgeAnswer> {
    return new Promise<EdgeAnswer>((resolve) => {
      const waiter: Waiter = {
        request,
        extraFields,
        resolve,
        timer: setTimeout(() => this.#release(waiter, NOT_CHANGED), config.jobWaitTimeoutMs),
      };
      this.#waiters.add(waiter);
      this.#schedulePoll(jobId, config);
    });
  }

  #release(waiter: Waiter, answer: EdgeAnswer): void {
    if (!this.#waiters.delete(waiter)) {
      return;
    }
    clearTimeout(waiter.timer);
    waiter.resolve(answer);

    // With no waiter left, the daemon is not polled again until a client waits.
    if (this.#waiters.size === 0 && this.#nextPoll !== undefined) {
      clearTimeout(this.#nextPoll);
      this.#nextPoll = undefined;
    }
  }

  /** Schedules the next poll one interval after the last one started, unless one is scheduled already or no client waits. */
  #schedulePoll(jobId: string, config: Config): void {
    if (this.#nextPoll !== undefined || this.#waiters.size === 0) {
      return;
    }
    const delay = Math.max(0, this.#lastPollAt + config.jobPollIntervalMs - Date.now());
    this.#nextPoll = setTimeout(() => {
      this.#nextPoll = undefined;
      void this.#pollForWaiters(jobId, config);
    }, delay);
  }

  async #pollForWaiters(jobId: string, config: Config): Promise<void> {
    if (this.#waiters.size === 0) {
      return;
    }
    // The job turned final during the last poll, before some waiter's fields were read.
    const finalJob = this.#loadFinalJob(config);
    if (finalJob !== undefined) {
      await this.#answerFromFinalJob(jobId, config, finalJob);
      return;
    }

    try {
      await this.#currentSnapshot(jobId, config, [], 0);
    } catch {
      // The failed poll has already sent the error to every waiter.
      return;
    }
    this.#schedulePoll(jobId, config);
  }

  async #answerFromFinalJob(jobId: string, config: Config, finalJob: FinalJob): Promise<void> {
    for (const waiter of [...this.#waiters]) {
      try {
        const job = await this.#finalJobWithFields(jobId, config, this.#finalJob ?? finalJob, waiter.extraFields);
        this.#release(waiter, jsonAnswer(describeJob(job, waiter.request)));
      } catch (error) {
        this.#failWaiters(error, jobId);
        return;
      }
    }
  }

  /**
   * Returns a snapshot no older than `maxAgeMs` that has `extraFields`,
   * joining a poll already under way rather than starting a second one.
   */
  async #currentSnapshot(jobId: string, config: Config, extraFields: readonly string[], maxAgeMs: number): Promise<JobSnapshot> {
    for (;;) {
      const snapshot = this.#snapshot;
      if (snapshot !== undefined && Date.now() - snapshot.polledAt < maxAgeMs && covers(snapshot, extraFields)) {
        return snapshot;
      }
      const inFlight = this.#poll;
      if (inFlight === undefined) {
        return this.#startPoll(jobId, config, extraFields);
      }
      const polled = await inFlight;
      if (covers(polled, extraFields)) {
        return polled;
      }
    }
  }

  /** Polls the daemon once and releases every waiter the result concerns, with the error if the poll failed. */
  #startPoll(jobId: string, config: Config, extraFields: readonly string[]): Promise<JobSnapshot> {
    // One query serves this caller and every waiter, so each gets its fields.
    const fields = new Set(extraFields);
    for (const waiter of this.#waiters) {
      waiter.extraFields.forEach((field) => fields.add(field));
    }

    this.#lastPollAt = Date.now();
    const poll = (async (): Promise<JobSnapshot> => {
      try {
        const snapshot = await this.#pollUpstream(jobId, config, [...fields]);
        this.#poll = undefined;
        this.#notifyWaiters(snapshot, jobId);
        return snapshot;
      } catch (error) {
        this.#poll = undefined;
        this.#failWaiters(error, jobId);
        throw error;
      }
    })();
    this.#poll = poll;
    return poll;
  }

  async #pollUpstream(jobId: string, config: Config, extraFields: readonly string[]): Promise<JobSnapshot> {
    const polledAt = Date.now();
    const response = await fetchJob(config, jobId);
    const reading = readJobAnswer(response.status, response.body);
    const extra = reading.kind === "found" && extraFields.length > 0 ? await queryJobFields(config, jobId, extraFields) : new Map<string, unknown>();
    const snapshot: JobSnapshot = { polledAt, response, reading, extra };

    // Only a job that exists is reused; an unknown job is asked about afresh every time.
    this.#snapshot = reading.kind === "found" ? snapshot : undefined;
    if (reading.kind === "found" && reading.final) {
      await this.#storeFinalJob(snapshot, reading.job, config);
    }
    return snapshot;
  }

  async #storeFinalJob(snapshot: JobSnapshot, job: JobFields, config: Config): Promise<void> {
    const finalJob: FinalJob = {
      status: snapshot.response.status,
      contentType: snapshot.response.contentType,
      body: snapshot.response.body,
      job,
      extra: snapshot.extra,
      storedAt: Date.now(),
    };
    this.#store.save(finalJob);
    this.#finalJob = finalJob;
    this.#finalJobLoaded = true;
    await this.ctx.storage.setAlarm(finalJob.storedAt + config.jobRetentionMs);
  }

  #notifyWaiters(snapshot: JobSnapshot, jobId: string): void {
    for (const waiter of this.#waiters) {
      // A waiter that arrived during the poll may need fields it did not read.
      if (!covers(snapshot, waiter.extraFields)) {
        continue;
      }
      const answer = answerFromSnapshot(snapshot, waiter.request, jobId);
      if (answer !== undefined) {
        this.#release(waiter, answer);
      }
    }
  }

  #failWaiters(error: unknown, jobId: string): void {
    const rapiError = error instanceof RapiError ? error : new RapiError(502, undefined, { detail: `job poll failed: ${String(error)}` });
    logWarning("job_poll_failed", { jobId, status: rapiError.status, detail: rapiError.detail ?? null, waiters: this.#waiters.size });

    const answer = errorAnswer(rapiError);
    for (const waiter of [...this.#waiters]) {
      this.#release(waiter, answer);
    }
  }
}
