// Partial-order reduction: persistent ("ample") sets from a static conflict check. A context's next
// step may be explored alone when no step that another context can still reach could conflict with it
// before it runs. Two steps conflict when they touch the same lock (two read-side steps of one lock
// commute) or flows of the same key with at least one write. Steps another context can only run while
// holding a lock that this context holds in a conflicting mode cannot run first, so they are ignored.
// Local steps (jumps on registers, nops, calls) commute with everything.

import type { CompiledModel, CompiledProgram } from './compile';
import * as layout from './compile';
import { transitionsOf } from './step';

// Local copies: imported bindings are getter calls once compiled to CommonJS, and this is the inner loop.
const { C_FOUND, C_PC, C_STATUS, F_LINKED, FLOW_SIZE, LOCK_SIZE, L_READERS, L_WRITER, ST_DONE } = layout;

const LINKED = 1;
const RC = 2;
const FLAG = 4;
const FREED = 8;
const RETIRED = 16;
const TABLE = 32;
const ALL_KEYS = 0x7fffffff;

export type Footprint =
  | { kind: 'local' }
  | { kind: 'lock'; lock: number; readSide: boolean }
  | { kind: 'flow'; keys: number; reads: number; writes: number; retire?: true };

/** Must-held locks at an instruction: lock index -> true for write, false for read. */
type Guards = Map<number, boolean>;

export interface ProgramFacts {
  footprint: Footprint[];
  guards: Guards[];
  /** Instructions reachable from each pc (inclusive). */
  reach: number[][];
  /** Whether a lookup is reachable from each pc (the set of flows a put will retire may still grow). */
  mayLookUp: boolean[];
}

export interface ReductionFacts {
  byProgram: Map<CompiledProgram, ProgramFacts>;
  /**
   * No program can repeat a state (no backward jump, loop or recursion), so the state graph is acyclic
   * and the cycle proviso is not needed: every reduced path still ends in a final state.
   */
  acyclic: boolean;
}

export function analyseModel(m: CompiledModel): ReductionFacts {
  const byProgram = new Map<CompiledProgram, ProgramFacts>();
  let acyclic = true;
  for (const p of [m.packet, m.put]) {
    if (!programIsAcyclic(p)) acyclic = false;
    if (byProgram.has(p)) continue;
    const succ = successors(p);
    const guards = mustHeld(p, succ);
    const reach = reachability(succ);
    const mayLookUp = reach.map((r) => r.some((pc) => p.code[pc]!.src.op === 'lookup'));
    byProgram.set(p, { footprint: p.code.map((_, pc) => footprintOf(m, p, pc, guards[pc]!, p === m.put)), guards, reach, mayLookUp });
  }
  return { byProgram, acyclic };
}

function programIsAcyclic(p: CompiledProgram): boolean {
  if (p.code.some((c, pc) => (c.src.op === 'jump' || c.src.op === 'choose' || c.src.op === 'loop') && c.target <= pc)) return false;
  // Recursion: a function that can reach a call to itself. Call targets are function starts.
  const calls = new Map<number, number[]>();
  const starts = [...new Set(p.code.flatMap((c) => (c.src.op === 'call' ? [c.target] : [])).concat([p.entry]))].sort((a, b) => a - b);
  const fnOf = (pc: number): number => starts.filter((st) => st <= pc).pop() ?? 0;
  p.code.forEach((c, pc) => {
    if (c.src.op !== 'call') return;
    const f = fnOf(pc);
    calls.set(f, [...(calls.get(f) ?? []), c.target]);
  });
  const onPath = new Set<number>();
  const done = new Set<number>();
  const cyclic = (f: number): boolean => {
    if (onPath.has(f)) return true;
    if (done.has(f)) return false;
    onPath.add(f);
    const r = (calls.get(f) ?? []).some(cyclic);
    onPath.delete(f);
    done.add(f);
    return r;
  };
  return !starts.some(cyclic);
}

function successors(p: CompiledProgram): number[][] {
  const returnSites = p.code.flatMap((c, pc) => (c.src.op === 'call' ? [pc + 1] : []));
  return p.code.map((c, pc) => {
    switch (c.src.op) {
      case 'jump':
        return c.cond!.kind === 'always' ? [c.target] : [c.target, pc + 1];
      case 'choose':
      case 'loop':
        return [c.target, pc + 1];
      case 'call':
        return [c.target];
      case 'return':
        return returnSites;
      default:
        return [pc + 1];
    }
  });
}

function reachability(succ: number[][]): number[][] {
  return succ.map((_, start) => {
    const seen = new Set<number>([start]);
    const work = [start];
    while (work.length > 0) {
      for (const s of succ[work.pop()!]!) {
        if (s >= succ.length || seen.has(s)) continue;
        seen.add(s);
        work.push(s);
      }
    }
    return [...seen].sort((a, b) => a - b);
  });
}

/** Forward must-analysis of held locks (intersection at joins; calls and returns context-insensitive). */
function mustHeld(p: CompiledProgram, succ: number[][]): Guards[] {
  const at: (Guards | null)[] = p.code.map(() => null);
  at[p.entry] = new Map();
  const work = [p.entry];
  while (work.length > 0) {
    const pc = work.pop()!;
    const c = p.code[pc]!;
    const after = new Map(at[pc]!);
    if (c.src.op === 'acquire') after.set(c.lock, c.write);
    if (c.src.op === 'release') after.delete(c.lock);
    for (const s of succ[pc]!) {
      if (s >= p.code.length) continue;
      const old = at[s];
      if (old === null) {
        at[s] = new Map(after);
        work.push(s);
        continue;
      }
      let changed = false;
      for (const [l, w] of old) {
        if (after.get(l) === w) continue;
        old.delete(l);
        changed = true;
      }
      if (changed) work.push(s);
    }
  }
  return at.map((g) => g ?? new Map());
}

function footprintOf(m: CompiledModel, p: CompiledProgram, pc: number, guards: Guards, isPut: boolean): Footprint {
  const c = p.code[pc]!;
  const keysOfReg = (reg: number): number => {
    let mask = 0;
    for (const d of p.code) if ((d.src.op === 'lookup' || d.src.op === 'insert') && d.flow === reg) mask |= 1 << d.key;
    return mask;
  };
  const flow = (reads: number, writes: number): Footprint => ({ kind: 'flow', keys: keysOfReg(c.flow), reads: reads | FREED, writes });
  const kind = c.lock >= 0 ? m.lockKinds[c.lock]! : 'rw';
  switch (c.src.op) {
    case 'acquire':
      return { kind: 'lock', lock: c.lock, readSide: !c.write && kind !== 'mutex' };
    case 'release':
      return { kind: 'lock', lock: c.lock, readSide: guards.get(c.lock) === false && kind !== 'mutex' };
    case 'synchronize':
      return { kind: 'lock', lock: c.lock, readSide: false };
    case 'lookup':
      return { kind: 'flow', keys: 1 << c.key, reads: LINKED | FLAG | FREED | RETIRED | TABLE, writes: 0 };
    case 'insert':
      return { kind: 'flow', keys: 1 << c.key, reads: TABLE, writes: TABLE | LINKED };
    case 'unlink':
      return flow(0, LINKED);
    case 'free':
      return flow(FREED, FREED);
    case 'refAtomic':
    case 'refStore':
      return flow(RC, RC);
    case 'refLoad':
      return flow(RC, 0);
    case 'flagRead':
      return flow(FLAG, 0);
    case 'flagWrite':
      return flow(0, FLAG);
    case 'use':
      return flow(0, 0);
    case 'jump':
      if (c.cond!.kind === 'refcount') return flow(RC, 0);
      if (c.cond!.kind === 'flag') return flow(FLAG, 0);
      return { kind: 'local' };
    case 'return':
      // The end of a put marks the flows it found as deleted, which lookups read.
      return isPut ? { kind: 'flow', keys: ALL_KEYS, reads: 0, writes: RETIRED, retire: true } : { kind: 'local' };
    default:
      return { kind: 'local' };
  }
}

export function dependent(a: Footprint, b: Footprint): boolean {
  if (a.kind === 'local' || b.kind === 'local') return false;
  if (a.kind === 'lock' && b.kind === 'lock') return a.lock === b.lock && !(a.readSide && b.readSide);
  if (a.kind === 'flow' && b.kind === 'flow') {
    if ((a.keys & b.keys) === 0) return false;
    return (a.writes & (b.reads | b.writes)) !== 0 || (b.writes & a.reads) !== 0;
  }
  return false;
}

/**
 * The context whose enabled steps form a persistent set at s, or -1 to explore every context.
 * Deterministic: the lowest-numbered context that qualifies.
 */
export function pickAmple(m: CompiledModel, facts: ReductionFacts, s: readonly number[]): number {
  for (const c of m.contexts) {
    if (transitionsOf(m, s, c.id) === 0) continue;
    const pf = facts.byProgram.get(c.program)!;
    const ft = pf.footprint[s[c.base + C_PC]!]!;
    if (ft.kind === 'local' || independentOfOthers(m, facts, s, c.id, pf, ft)) return c.id;
  }
  return -1;
}

/**
 * A put's completion only matters to a lookup if it may retire a flow that lookup could still return:
 * one it found that is still linked (an unlinked flow is never linked again), or any, while it can
 * still look flows up.
 */
function retireIsHarmless(m: CompiledModel, s: readonly number[], put: number, pf: ProgramFacts): boolean {
  const c = m.contexts[put]!;
  if (pf.mayLookUp[s[c.base + C_PC]!]) return false;
  let mask = s[c.base + C_FOUND]!;
  for (let f = 0; mask !== 0; f++, mask >>>= 1) if ((mask & 1) !== 0 && s[m.flowBase + f * FLOW_SIZE + F_LINKED] === 1) return false;
  return true;
}

function independentOfOthers(m: CompiledModel, facts: ReductionFacts, s: readonly number[], ctx: number, cf: ProgramFacts, ft: Footprint): boolean {
  if (ft.kind === 'flow' && ft.retire === true && retireIsHarmless(m, s, ctx, cf)) {
    // Only the retire part of a put's end could conflict, and it cannot matter any more.
    return true;
  }
  // Locks ctx holds now, with whether it holds them for writing.
  const held: [number, boolean][] = [];
  for (let l = 0; l < m.locks.length; l++) {
    if (m.lockKinds[l] === 'rcu') continue;
    const lb = m.lockBase + l * LOCK_SIZE;
    if (s[lb + L_WRITER] === ctx + 1) held.push([l, true]);
    else if ((s[lb + L_READERS]! & (1 << ctx)) !== 0) held.push([l, false]);
  }
  for (const d of m.contexts) {
    if (d.id === ctx || s[d.base + C_STATUS] === ST_DONE) continue;
    const pf = facts.byProgram.get(d.program)!;
    for (const u of pf.reach[s[d.base + C_PC]!]!) {
      const fu = pf.footprint[u]!;
      if (!dependent(ft, fu)) continue;
      if (fu.kind === 'flow' && fu.retire === true && retireIsHarmless(m, s, d.id, pf)) continue;
      const g = pf.guards[u]!;
      const excluded = held.some(([l, w]) => g.has(l) && (w || g.get(l) === true));
      if (!excluded) return false;
    }
  }
  return true;
}
