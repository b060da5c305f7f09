// Faults the simulator can inject into RAPI requests so tests can see how a
// client or gateway copes with a daemon that misbehaves.

import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export const FAULT_MODES = ["none", "refuse-after-accept", "hang", "close", "garbage", "truncated", "slow"] as const;

export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultOptions {
  readonly mode: FaultMode;
  /** Milliseconds to wait before misbehaving (for `slow`, before responding normally); default 0. */
  readonly delayMs?: number | undefined;
  /** How many RAPI requests the fault applies to; default: every one until it is replaced. */
  readonly count?: number | undefined;
}

interface ActiveFault {
  readonly mode: Exclude<FaultMode, "none">;
  readonly delayMs: number;
  remaining: number | undefined;
}

/** Checks fault options from a test or a control request; throws RangeError with the problem. */
export function parseFaultOptions(value: unknown): FaultOptions {
  if (typeof value !== "object" || value === null) {
    throw new RangeError("fault options must be a JSON object");
  }
  const { mode, delayMs, count } = value as Record<string, unknown>;
  if (typeof mode !== "string" || !(FAULT_MODES as readonly string[]).includes(mode)) {
    throw new RangeError(`fault mode must be one of ${FAULT_MODES.join(", ")}; got ${JSON.stringify(mode)}`);
  }
  if (delayMs !== undefined && (!Number.isInteger(delayMs) || (delayMs as number) < 0)) {
    throw new RangeError(`delayMs must be a non-negative integer; got ${JSON.stringify(delayMs)}`);
  }
  if (count !== undefined && (!Number.isInteger(count) || (count as number) < 1)) {
    throw new RangeError(`count must be a positive integer; got ${JSON.stringify(count)}`);
  }
  return { mode: mode as FaultMode, delayMs: delayMs as number | undefined, count: count as number | undefined };
}

export class FaultInjector {
  #active: ActiveFault | undefined;

  set(options: FaultOptions): void {
    this.#active =
      options.mode === "none" ? undefined : { mode: options.mode, delayMs: options.delayMs ?? 0, remaining: options.count };
  }

  /** Describes the active fault for the control endpoint. */
  describe(): { mode: FaultMode; delayMs: number; remaining: number | null } {
    return this.#active === undefined
      ? { mode: "none", delayMs: 0, remaining: null }
      : { mode: this.#active.mode, delayMs: this.#active.delayMs, remaining: this.#active.remaining ?? null };
  }

  /** Returns the fault for the next RAPI request, counting it against the fault's count. */
  take(): Readonly<ActiveFault> | undefined {
    const fault = this.#active;
    if (fault === undefined) {
      return undefined;
    }
    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) {
        this.#active = undefined;
      }
    }
    return { ...fault };
  }
}

// Bytes no HTTP client can take for a status line.
const GARBAGE = Buffer.from("\u0000\u0007 not an HTTP response \u00ff\u00fe\r\n\r\n", "latin1");

// Headers promising 256 bytes of body, followed by 16.
const TRUNCATED = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nServer: Ganeti 3.0.2\r\nContent-Length: 256\r\n\r\n{"job_info": [',
  "latin1",
);

/**
 * Misbehaves on the socket in the fault's mode, after its delay. Resolves when
 * done, and for `hang` only once the connection closes. Does nothing for
 * `slow`, whose caller responds normally after the delay.
 */
export async function applyFault(fault: Readonly<ActiveFault>, socket: Socket, signal: AbortSignal): Promise<void> {
  if (fault.delayMs > 0) {
    await sleep(fault.delayMs, undefined, { signal }).catch(() => undefined);
  }
  if (socket.destroyed) {
    return;
  }

  switch (fault.mode) {
    case "refuse-after-accept":
      socket.resetAndDestroy();
      return;
    case "close":
      socket.destroy();
      return;
    case "garbage":
      socket.end(GARBAGE, () => socket.destroy());
      return;
    case "truncated":
      socket.end(TRUNCATED, () => socket.destroy());
      return;
    case "hang":
      await new Promise<void>((resolve) => {
        socket.once("close", () => resolve());
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
      return;
    default:
      return;
  }
}
