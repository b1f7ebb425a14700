// Random walks for scenarios too large to exhaust: each run picks one enabled step at random until every
// context is done or stuck. Seeded (mulberry32), so a printed seed reproduces the runs exactly.

import type { Budget } from './budget';
import type { CompiledModel } from './compile';
import type { PathStep } from './explore';
import { enabledSteps } from './explore';
import { stateKey } from './stateKey';
import { checkQuiescent } from './invariants';
import { execute, isDone } from './step';
import type { InvariantId } from './types';

export interface RandomOptions {
  seed: number;
  runs: number;
  maxDepth: number;
  budget: Budget;
}

export interface RandomResult {
  found: Map<InvariantId, PathStep[]>;
  /** Distinct states seen (counted up to a cap, to bound memory). */
  states: number;
  transitions: number;
  maxDepth: number;
  runsDone: number;
  stoppedBecause: string | null;
  ms: number;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEN_CAP = 1_000_000;

export function randomWalks(m: CompiledModel, opts: RandomOptions): RandomResult {
  const t0 = Date.now();
  const rand = mulberry32(opts.seed);
  const found = new Map<InvariantId, PathStep[]>();
  const seen = new Set<string>();
  let transitions = 0;
  let maxDepth = 0;
  let runsDone = 0;
  let stoppedBecause: string | null = null;
  // Keep the shortest schedule found for each invariant.
  const record = (inv: InvariantId, path: PathStep[]): void => {
    const old = found.get(inv);
    if (old === undefined || path.length < old.length) found.set(inv, path.slice());
  };
  for (let run = 0; run < opts.runs; run++) {
    if (opts.budget.timeUp()) {
      stoppedBecause = `${opts.budget.timeMessage()} after ${run} runs`;
      break;
    }
    let s = m.initial;
    const path: PathStep[] = [];
    for (;;) {
      if (seen.size < SEEN_CAP) seen.add(stateKey(s));
      const steps = enabledSteps(m, s);
      if (steps.length === 0) {
        if (m.contexts.some((c) => !isDone(m, s, c.id))) record('deadlock', path);
        else for (const inv of checkQuiescent(m, s)) record(inv, path);
        break;
      }
      if (path.length >= opts.maxDepth) break;
      const step = steps[Math.floor(rand() * steps.length)]!;
      const out = execute(m, s, step.ctx, step.choice, false);
      transitions++;
      path.push(step);
      for (const e of out.events) record(e.invariant, path);
      s = out.next;
    }
    maxDepth = Math.max(maxDepth, path.length);
    runsDone++;
  }
  return { found, states: seen.size, transitions, maxDepth, runsDone, stoppedBecause, ms: Date.now() - t0 };
}
