// The limits one simulation runs under, shared by every phase (model analysis, search, shortening,
// costs): CPU time, so that a loaded machine does not change the verdict; states; and memory for the
// visited set. A phase asks `spent()` now and then and stops cleanly, saying which limit it hit.

import * as os from 'node:os';
import { bytesPerState } from './stateStore';

export type LimitKind = 'states' | 'time' | 'memory';

/** CPU time of this process in ms (user + system); wall-clock time where the platform has no such clock. */
export function cpuMs(): number {
  if (typeof process !== 'undefined' && typeof process.cpuUsage === 'function') {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  return Date.now();
}

/** Half the machine's memory: what the visited set may take by default. */
export function defaultMemoryBudget(): number {
  return Math.floor(os.totalmem() / 2);
}

export class LimitReached extends Error {
  constructor(
    readonly kind: LimitKind,
    message: string,
  ) {
    super(message);
  }
}

export class Budget {
  private readonly start: number;

  constructor(
    readonly timeLimitMs: number,
    readonly maxStates: number,
    readonly memoryBytes: number,
    private readonly clock: () => number = cpuMs,
  ) {
    this.start = clock();
  }

  /** CPU ms spent since the budget was made. */
  elapsed(): number {
    return this.clock() - this.start;
  }

  timeUp(): boolean {
    return this.elapsed() > this.timeLimitMs;
  }

  timeMessage(): string {
    return `time limit of ${formatSeconds(this.timeLimitMs)} CPU reached`;
  }

  /** Throws LimitReached when the CPU time is spent (for phases that cannot stop half-way). */
  check(phase: string): void {
    if (this.timeUp()) throw new LimitReached('time', `${this.timeMessage()} during ${phase}`);
  }
}

/**
 * The state limit a search can keep: `requested`, or fewer when that many states of `slots` slots
 * would not fit in `memoryBytes`; the note says so.
 */
export function fitStates(requested: number, slots: number, memoryBytes: number): { maxStates: number; note: string | null } {
  const per = bytesPerState(slots);
  const fits = Math.max(1000, Math.floor(memoryBytes / per));
  if (requested <= fits) return { maxStates: requested, note: null };
  return {
    maxStates: fits,
    note: `--max-states ${requested} would need about ${formatBytes(requested * per)}; capped at ${fits} (about ${formatBytes(memoryBytes)} for the visited states)`,
  };
}

export function formatBytes(n: number): string {
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GB` : `${Math.round(n / (1 << 20))} MB`;
}

export function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
