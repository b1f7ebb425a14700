// Shortest schedules, proven. The reduced search (and random walks) find *a* schedule per broken
// invariant; the causal shortening (shorten.ts) makes it short but not always shortest. This runs a
// breadth-first search without reduction from the initial state, only as deep as the longest
// schedule in hand: the first schedule it meets for an invariant is a shortest one. It stops early
// once every wanted invariant is met; if the budget runs out first, the schedules it did not reach
// stay as they were and are reported as "not proven shortest".

import type { Budget } from './budget';
import type { CompiledModel } from './compile';
import { enabledSteps, pathInStore } from './explore';
import type { PathStep } from './explore';
import { checkQuiescent } from './invariants';
import { StateStore } from './stateStore';
import { execute, isDone } from './step';
import type { InvariantId } from './types';

export interface Minimised {
  /** Shortest schedules, for the invariants the search reached. */
  shortest: Map<InvariantId, PathStep[]>;
}

export function minimiseSchedules(m: CompiledModel, found: ReadonlyMap<InvariantId, readonly PathStep[]>, budget: Budget): Minimised {
  const shortest = new Map<InvariantId, PathStep[]>();
  if (found.size === 0) return { shortest };
  // Each schedule in hand is a legal schedule of the full search, so its invariant is met by this depth.
  const bound = Math.max(...[...found.values()].map((p) => p.length));
  const store = new StateStore();
  store.intern(m.initial, -1, 0);
  const want = new Set(found.keys());
  const meet = (inv: InvariantId, parent: number, step: PathStep | null): void => {
    if (!want.has(inv) || shortest.has(inv)) return;
    const p = pathInStore(store, parent);
    if (step !== null) p.push(step);
    shortest.set(inv, p);
  };
  let levelStart = 0;
  let levelEnd = 1;
  let expanded = 0;
  for (let depth = 0; levelStart < levelEnd && depth <= bound && shortest.size < want.size; depth++) {
    for (let id = levelStart; id < levelEnd && shortest.size < want.size; id++) {
      if ((++expanded & 255) === 0 && (budget.timeUp() || store.size >= budget.maxStates || store.bytes > budget.memoryBytes)) return { shortest };
      const s = store.state(id);
      const steps = enabledSteps(m, s);
      if (steps.length === 0) {
        if (m.contexts.some((c) => !isDone(m, s, c.id))) meet('deadlock', id, null);
        else for (const inv of checkQuiescent(m, s)) meet(inv, id, null);
        continue;
      }
      // A step from the last level would make a schedule longer than the one in hand.
      if (depth === bound) continue;
      for (const step of steps) {
        const r = execute(m, s, step.ctx, step.choice, false);
        for (const e of r.events) meet(e.invariant, id, step);
        store.intern(r.next, id, (step.ctx << 2) | (step.choice + 1));
      }
    }
    levelStart = levelEnd;
    levelEnd = store.size;
  }
  return { shortest };
}
