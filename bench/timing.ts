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

/**
 * Times `a` and `b` alternately, `runs` times each after three untimed warm-ups of both (the JIT
 * needs a few passes over the engine to settle), in CPU time of this process (which includes the
 * garbage collector's helper threads): a ratio of two medians taken minutes apart would also
 * measure how the machine's load changed in between, and wall time would count other processes'
 * turns on the CPU.
 */
export function timeInterleaved(runs: number, a: () => void, b: () => void): [number[], number[]] {
  for (let i = 0; i < 3; i++) {
    a();
    b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  const cpuMs = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let i = 0; i < runs; i++) {
    let t0 = cpuMs();
    a();
    ta.push(cpuMs() - t0);
    t0 = cpuMs();
    b();
    tb.push(cpuMs() - t0);
  }
  return [ta, tb];
}

export const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
export const fmtRate = (perSec: number): string => `${Math.round(perSec).toLocaleString('en-US')}`;
