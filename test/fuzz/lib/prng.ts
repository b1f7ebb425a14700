import { mulberry32 } from '../../../src/core/sim/random';

/**
 * A small deterministic PRNG (mulberry32): the same seed gives the same inputs on every machine,
 * so a fuzz run and its failures can be reproduced from `--seed` alone.
 */
export class Prng {
  /** Uniform in [0, 1): the simulator's mulberry32, so there is one generator in the project. */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('Prng.pick: empty list');
    return xs[this.int(xs.length)]!;
  }

  /** A seed for a derived generator (one per input, so inputs do not depend on each other's draws). */
  fork(): Prng {
    return new Prng(this.int(0x100000000));
  }
}
