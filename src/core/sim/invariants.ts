// The invariants and how each is checked. Most are events of a single step (reported by step.ts as
// the step happens); leak and deadlock are properties of a final state.
//
//   use-after-free     a step reads or writes a flow (its fields, refcount, flag, link) after it was freed
//   double-free        a flow is freed twice
//   negative-refcount  a store or atomic op leaves a refcount below 0
//   leak               at quiescence (every context done): a flow unlinked but never freed, or freed
//                      while still linked in the table
//   deadlock           some context is not done and none can move
//   lock-discipline    a release by a context that does not hold the lock (not held, or held by another)
//   stale-lookup       a context uses a flow (fields, count, flag write, unlink, free) that its lookup
//                      returned after a put had finished deleting it (unlinked, freed, marked INACTIVE or
//                      dropped a reference of it, and returned), or returned flagged INACTIVE with no
//                      flag test of its own seeing it ACTIVE since: checked at the use, not the lookup

import type { CompiledModel } from './compile';
import { F_FREED, F_LINKED, FLOW_SIZE, flowCount } from './compile';
import type { InvariantId } from './types';

export const INVARIANT_DOCS: Record<InvariantId, string> = {
  'use-after-free': 'a flow is read or written after it was freed',
  'double-free': 'a flow is freed twice',
  'negative-refcount': 'a refcount goes below zero',
  leak: 'when every context is done, a flow is unlinked but not freed, or freed but still linked',
  deadlock: 'some context is not done and no context can move',
  'lock-discipline': 'a lock is released by a context that does not hold it',
  'stale-lookup': 'a flow is used after its lookup returned it already deleted by a completed put (or marked INACTIVE)',
};

/** Flows breaking `leak` in a state where every context is done. */
export function leakedFlows(m: CompiledModel, s: readonly number[]): number[] {
  const out: number[] = [];
  for (let f = 0; f < flowCount(m, s); f++) {
    const b = m.flowBase + f * FLOW_SIZE;
    if ((s[b + F_LINKED] === 0) !== (s[b + F_FREED] === 1)) out.push(f);
  }
  return out;
}

export function checkQuiescent(m: CompiledModel, s: readonly number[]): InvariantId[] {
  return leakedFlows(m, s).length > 0 ? ['leak'] : [];
}
