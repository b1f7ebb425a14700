// Breadth-first search over interleavings with state hashing, so the first schedule found for each
// invariant is a shortest one (among the interleavings the reduction keeps; with reduction off, the
// shortest of all). Optional partial-order reduction (persistent sets, see independence.ts) and an
// optional preemption bound (a preemption = switching away from a context that could have continued).

import type { CompiledModel } from './compile';
import * as layout from './compile';
import { analyseModel, pickAmple } from './independence';
import { checkQuiescent } from './invariants';
import { decodeKey, stateKey } from './stateKey';
import { execute, isDone, someoneWaits, transitionsOf } from './step';
import type { StepEvent } from './step';
import type { InvariantId } from './types';

// Local copies: imported bindings are getter calls once compiled to CommonJS.
const { H_LAST, H_PREEMPTIONS } = layout;

export interface PathStep {
  ctx: number;
  /** -1 for a step that is not a nondeterministic choice. */
  choice: number;
}

export interface ExploreOptions {
  reduction: boolean;
  preemptions: number | null;
  maxStates: number;
  timeLimitMs: number;
}

export interface ExploreResult {
  /** Shortest schedule found per broken invariant. */
  found: Map<InvariantId, PathStep[]>;
  states: number;
  transitions: number;
  maxDepth: number;
  blockedStates: number;
  complete: boolean;
  stoppedBecause: string | null;
  ms: number;
}

/** Enabled transitions of s, in a fixed order (context, then choice). */
export function enabledSteps(m: CompiledModel, s: readonly number[], only = -1): PathStep[] {
  const out: PathStep[] = [];
  for (const c of m.contexts) {
    if (only >= 0 && c.id !== only) continue;
    const t = transitionsOf(m, s, c.id);
    if (t === 1) out.push({ ctx: c.id, choice: -1 });
    else if (t === 2) out.push({ ctx: c.id, choice: 0 }, { ctx: c.id, choice: 1 });
  }
  return out;
}

/**
 * Preemption-bound bookkeeping for the step from s to next (header slots of next are updated);
 * false when the step would exceed the bound.
 */
export function applyBound(m: CompiledModel, s: readonly number[], step: PathStep, next: number[], bound: number): boolean {
  const last = s[H_LAST]! - 1;
  let used = s[H_PREEMPTIONS]!;
  if (last >= 0 && last !== step.ctx && transitionsOf(m, s, last) > 0) used++;
  if (used > bound) return false;
  next[H_LAST] = step.ctx + 1;
  next[H_PREEMPTIONS] = used;
  return true;
}

interface Successor {
  step: PathStep;
  key: string;
  events: readonly StepEvent[];
}

/** Successors of s by the given steps; null if `onlyIfAllNew` and one of them was seen before. */
function successors(m: CompiledModel, s: readonly number[], steps: PathStep[], bound: number | null, seen: Map<string, number>, onlyIfAllNew: boolean): Successor[] | null {
  const out: Successor[] = [];
  for (const step of steps) {
    const r = execute(m, s, step.ctx, step.choice, false);
    if (bound !== null && !applyBound(m, s, step, r.next, bound)) continue;
    const key = stateKey(r.next);
    if (onlyIfAllNew && seen.has(key)) return null;
    out.push({ step, key, events: r.events });
  }
  return out;
}

export function explore(m: CompiledModel, opts: ExploreOptions): ExploreResult {
  const t0 = Date.now();
  const facts = opts.reduction && opts.preemptions === null ? analyseModel(m) : null;
  const found = new Map<InvariantId, PathStep[]>();
  // Parent links of every state (by id) so that schedules can be rebuilt; states themselves are
  // kept only while they are in the frontier.
  const parent: number[] = [-1];
  const via: number[] = [0];
  const seen = new Map<string, number>();
  seen.set(stateKey(m.initial), 0);
  // The frontier keeps keys only (decoded when expanded): states are large arrays, keys compact strings.
  let frontier: { id: number; key: string }[] = [{ id: 0, key: stateKey(m.initial) }];
  let transitions = 0;
  let depth = 0;
  let blockedStates = 0;
  let stoppedBecause: string | null = null;

  const pathTo = (id: number): PathStep[] => {
    const out: PathStep[] = [];
    for (let i = id; i > 0; i = parent[i]!) out.push({ ctx: via[i]! >> 2, choice: (via[i]! & 3) - 1 });
    return out.reverse();
  };
  const record = (inv: InvariantId, parentId: number, step: PathStep | null): void => {
    if (found.has(inv)) return;
    const p = pathTo(parentId);
    if (step !== null) p.push(step);
    found.set(inv, p);
  };

  search: while (frontier.length > 0) {
    const nextFrontier: { id: number; key: string }[] = [];
    for (const { id, key: stateId } of frontier) {
      const s = decodeKey(stateId);
      if ((id & 255) === 0 && Date.now() - t0 > opts.timeLimitMs) {
        stoppedBecause = `time limit of ${Math.round(opts.timeLimitMs / 1000)} s reached`;
        break search;
      }
      if (someoneWaits(m, s)) blockedStates++;
      const all = enabledSteps(m, s);
      if (all.length === 0) {
        if (m.contexts.some((c) => !isDone(m, s, c.id))) record('deadlock', id, null);
        else for (const inv of checkQuiescent(m, s)) record(inv, id, null);
        continue;
      }
      const ample = facts !== null ? pickAmple(m, facts, s) : -1;
      // Cycle proviso: a reduced expansion must lead to new states only, else expand fully.
      let succ = ample >= 0 ? successors(m, s, enabledSteps(m, s, ample), null, seen, !facts!.acyclic) : null;
      succ ??= successors(m, s, all, opts.preemptions, seen, false)!;
      for (const { step, key, events } of succ) {
        transitions++;
        for (const e of events) record(e.invariant, id, step);
        if (seen.has(key)) continue;
        const nid = parent.length;
        parent.push(id);
        via.push((step.ctx << 2) | (step.choice + 1));
        seen.set(key, nid);
        nextFrontier.push({ id: nid, key });
      }
      if (seen.size >= opts.maxStates) {
        stoppedBecause = `state limit of ${opts.maxStates} reached`;
        break search;
      }
    }
    frontier = nextFrontier;
    if (frontier.length > 0) depth++;
  }
  return {
    found,
    states: seen.size,
    transitions,
    maxDepth: depth,
    blockedStates,
    complete: stoppedBecause === null && opts.preemptions === null,
    stoppedBecause,
    ms: Date.now() - t0,
  };
}
