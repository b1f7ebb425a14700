// Breadth-first search over interleavings with state hashing, so the first schedule found for each
// invariant is a shortest one (among the interleavings the reduction keeps; with reduction off, the
// shortest of all). Optional partial-order reduction (persistent sets, see independence.ts) and an
// optional preemption bound (a preemption = switching away from a context that could have continued).

import type { CompiledModel } from './compile';
import * as layout from './compile';
import { LimitReached, formatBytes } from './budget';
import type { Budget, LimitKind } from './budget';
import { analyseModel, pickAmple } from './independence';
import type { ReductionFacts } from './independence';
import { checkQuiescent } from './invariants';
import { StateStore } from './stateStore';
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

export interface Progress {
  states: number;
  transitions: number;
  /** Breadth-first level being expanded (the schedule length reached). */
  depth: number;
  cpuMs: number;
  wallMs: number;
}

export interface ExploreOptions {
  reduction: boolean;
  preemptions: number | null;
  budget: Budget;
  /** The reduction's model analysis, if already made (else made here, under the budget). */
  facts?: ReductionFacts;
  /** Called about every `progressEveryMs` (wall clock) during long searches. */
  onProgress?: (p: Progress) => void;
  progressEveryMs?: number;
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
  /** What made the search incomplete, if anything. */
  limit: LimitKind | 'preemptions' | null;
  ms: number;
  cpuMs: number;
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
  next: number[];
  events: readonly StepEvent[];
}

/** Successors of s by the given steps; null if `onlyIfAllNew` and one of them was seen before. */
function successors(m: CompiledModel, s: readonly number[], steps: PathStep[], bound: number | null, store: StateStore, onlyIfAllNew: boolean): Successor[] | null {
  const out: Successor[] = [];
  for (const step of steps) {
    const r = execute(m, s, step.ctx, step.choice, false);
    if (bound !== null && !applyBound(m, s, step, r.next, bound)) continue;
    if (onlyIfAllNew && store.find(r.next) >= 0) return null;
    out.push({ step, next: r.next, events: r.events });
  }
  return out;
}

const encodeVia = (step: PathStep): number => (step.ctx << 2) | (step.choice + 1);

/** The schedule that reaches state `id` of the store. */
export function pathInStore(store: StateStore, id: number): PathStep[] {
  const out: PathStep[] = [];
  for (let i = id; i > 0; i = store.parent(i)) out.push({ ctx: store.via(i) >> 2, choice: (store.via(i) & 3) - 1 });
  return out.reverse();
}

// How often (in expanded states) the search looks at the clock, and how often it reports progress.
const CHECK_EVERY = 256;
const DEFAULT_PROGRESS_MS = 1000;

export function explore(m: CompiledModel, opts: ExploreOptions): ExploreResult {
  const t0 = Date.now();
  const budget = opts.budget;
  const cpu0 = budget.elapsed();
  const found = new Map<InvariantId, PathStep[]>();
  const store = new StateStore();
  store.intern(m.initial, -1, 0);
  let transitions = 0;
  let depth = 0;
  let blockedStates = 0;
  let stopped: { kind: LimitKind; message: string } | null = null;
  let facts = opts.facts;
  if (facts === undefined && opts.reduction && opts.preemptions === null) {
    try {
      facts = analyseModel(m, budget);
    } catch (e) {
      if (!(e instanceof LimitReached)) throw e;
      stopped = { kind: e.kind, message: e.message };
    }
  }
  const reduce = facts ?? null;
  const progressEvery = opts.progressEveryMs ?? DEFAULT_PROGRESS_MS;
  let lastProgress = Date.now();

  const record = (inv: InvariantId, parentId: number, step: PathStep | null): void => {
    if (found.has(inv)) return;
    const p = pathInStore(store, parentId);
    if (step !== null) p.push(step);
    found.set(inv, p);
  };

  let levelStart = 0;
  let levelEnd = stopped === null ? 1 : 0;
  let expanded = 0;
  search: while (levelStart < levelEnd) {
    for (let id = levelStart; id < levelEnd; id++) {
      if ((++expanded & (CHECK_EVERY - 1)) === 0) {
        if (budget.timeUp()) {
          stopped = { kind: 'time', message: budget.timeMessage() };
          break search;
        }
        if (store.bytes > budget.memoryBytes) {
          stopped = { kind: 'memory', message: `memory limit of ${formatBytes(budget.memoryBytes)} for visited states reached` };
          break search;
        }
        if (opts.onProgress !== undefined && Date.now() - lastProgress >= progressEvery) {
          lastProgress = Date.now();
          opts.onProgress({ states: store.size, transitions, depth, cpuMs: budget.elapsed() - cpu0, wallMs: Date.now() - t0 });
        }
      }
      const s = store.state(id);
      if (someoneWaits(m, s)) blockedStates++;
      const all = enabledSteps(m, s);
      if (all.length === 0) {
        if (m.contexts.some((c) => !isDone(m, s, c.id))) record('deadlock', id, null);
        else for (const inv of checkQuiescent(m, s)) record(inv, id, null);
        continue;
      }
      const ample = reduce !== null ? pickAmple(m, reduce, s) : -1;
      // Cycle proviso: a reduced expansion must lead to new states only, else expand fully.
      let succ = ample >= 0 ? successors(m, s, enabledSteps(m, s, ample), null, store, !reduce!.acyclic) : null;
      succ ??= successors(m, s, all, opts.preemptions, store, false)!;
      for (const { step, next, events } of succ) {
        transitions++;
        for (const e of events) record(e.invariant, id, step);
        store.intern(next, id, encodeVia(step));
      }
      if (store.size >= budget.maxStates) {
        stopped = { kind: 'states', message: `state limit of ${budget.maxStates} reached` };
        break search;
      }
    }
    levelStart = levelEnd;
    levelEnd = store.size;
    if (levelStart < levelEnd) depth++;
  }
  return {
    found,
    states: store.size,
    transitions,
    maxDepth: depth,
    blockedStates,
    complete: stopped === null && opts.preemptions === null,
    stoppedBecause: stopped?.message ?? null,
    limit: stopped?.kind ?? (opts.preemptions !== null ? 'preemptions' : null),
    ms: Date.now() - t0,
    cpuMs: budget.elapsed() - cpu0,
  };
}
