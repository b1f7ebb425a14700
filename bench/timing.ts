/** Median of the given samples (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs `fn` `runs` times (after one untimed warm-up) and returns every duration in ms. */
export function timeRuns(runs: number, fn: () => void): number[] {
  fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Interleaved samples of two functions, and their first (cold) pass. */
export interface Interleaved {
  a: number[];
  b: number[];
  /** The first pass of each, before any warm-up: what a one-shot run in a fresh thread pays (JIT, wasm tier-up). */
  coldA: number;
  coldB: number;
}

/**
 * Times `a` and `b` alternately, `runs` times each after `warmUps` untimed passes of both, in CPU
 * time of this process (which includes the garbage collector's helper threads): a ratio of two
 * medians taken minutes apart would also measure how the machine's load changed in between, and
 * wall time would count other processes' turns on the CPU. The engine's JavaScript needs several
 * passes over a corpus before V8 has optimised it (about eight on the generated corpus: the second
 * pass still takes twice the steady time); fewer warm-ups time the JIT, not the engine. The first
 * pass is kept and reported apart.
 */
export function timeInterleaved(runs: number, warmUps: number, a: () => void, b: () => void): Interleaved {
  const cpuMs = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const timed = (fn: () => void): number => {
    const t0 = cpuMs();
    fn();
    return cpuMs() - t0;
  };
  const coldA = timed(a);
  const coldB = timed(b);
  for (let i = 1; i < warmUps; i++) {
    a();
    b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    ta.push(timed(a));
    tb.push(timed(b));
  }
  return { a: ta, b: tb, coldA, coldB };
}

export const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
export const fmtRate = (perSec: number): string => `${Math.round(perSec).toLocaleString('en-US')}`;
