// A bound on requests served at once, like ganeti-rapi's --max-clients
// (20 by default): further requests wait in arrival order for a free slot.

export class WorkerPool {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`maxConnections must be a positive integer, got ${limit}`);
    }
    this.#limit = limit;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** Runs the task once a slot is free and keeps the slot until the task settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#limit) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) {
        this.#active -= 1;
      } else {
        // The slot passes straight to the next waiting request.
        next();
      }
    }
  }
}
