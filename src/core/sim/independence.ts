// Partial-order reduction: persistent ("ample") sets from a static conflict check. A context's next
// step may be explored alone when no step that another context can still reach could conflict with it
// before it runs. Two steps conflict when they touch the same lock (two read-side steps of one lock
// commute) or flows of the same key with at least one write. Steps another context can only run while
// holding a lock that this context holds in a conflicting mode cannot run first, so they are ignored.
// Local steps (jumps on registers, nops, calls) commute with everything.

import type { CompiledModel, CompiledProgram } from './compile';
import * as layout from './compile';
import type { Instr } from '../model/program';
import type { Budget } from './budget';
import { transitionsOf } from './step';

// Local copies: imported bindings are getter calls once compiled to CommonJS, and this is the inner loop.
const { C_DELETED, C_PC, C_STATUS, F_LINKED, FLOW_SIZE, LOCK_SIZE, L_READERS, L_WRITER, ST_DONE } = layout;

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

/** A footprint with the locks that must be held when it runs: what another context can still do. */
export interface Atom {
  footprint: Footprint;
  guards: Guards;
}

export interface ProgramFacts {
  footprint: Footprint[];
  guards: Guards[];
  /** Distinct (footprint, guards) pairs of the program's instructions. */
  atoms: Atom[];
  /** Per pc, a bit set (32 atoms per word) of the atoms reachable from it, itself included. */
  reach: Uint32Array;
  /** Words per pc in `reach`. */
  words: number;
  /** Whether a delete (unlink, free, INACTIVE, a decrement) is reachable from each pc: the set of flows a put retires may still grow. */
  mayDelete: boolean[];
}

export interface ReductionFacts {
  byProgram: Map<CompiledProgram, ProgramFacts>;
  /**
   * No program can repeat a state (no backward jump, loop or recursion), so the state graph is acyclic
   * and the cycle proviso is not needed: every reduced path still ends in a final state.
   */
  acyclic: boolean;
}

/** No budget: analyses of small models in tests and shortening. */
const UNBOUNDED = { check: (): void => undefined };

export function analyseModel(m: CompiledModel, budget: Pick<Budget, 'check'> = UNBOUNDED): ReductionFacts {
  const byProgram = new Map<CompiledProgram, ProgramFacts>();
  let acyclic = true;
  for (const p of [m.packet, m.put]) {
    if (!programIsAcyclic(p)) acyclic = false;
    budget.check('the reduction\'s model analysis');
    if (byProgram.has(p)) continue;
    const succ = successors(p);
    const guards = mustHeld(p, succ, budget);
    const regKeys = keysByRegister(p);
    const footprint = p.code.map((_, pc) => footprintOf(m, p, pc, guards[pc]!, p === m.put, regKeys));
    const { atoms, atomOf } = atomsOf(footprint, guards);
    const words = Math.ceil(atoms.length / 32);
    const reach = reachableAtoms(succ, atomOf, words, budget);
    const mayDelete = reachesAny(succ, p.code.map((c) => isDelete(c.src)), budget);
    byProgram.set(p, { footprint, guards, atoms, reach, words, mayDelete });
  }
  return { byProgram, acyclic };
}

/** Instructions by which a put deletes a flow (what step.ts records for retirement). */
function isDelete(i: Instr): boolean {
  switch (i.op) {
    case 'unlink':
    case 'free':
      return true;
    case 'flagWrite':
      return i.value === 'INACTIVE';
    case 'refAtomic':
    case 'refStore':
      return i.delta < 0;
    default:
      return false;
  }
}

/** Numbers the distinct (footprint, guards) pairs; `atomOf[pc]` is the pc's. */
function atomsOf(footprint: Footprint[], guards: Guards[]): { atoms: Atom[]; atomOf: Int32Array } {
  const index = new Map<string, number>();
  const atoms: Atom[] = [];
  const atomOf = new Int32Array(footprint.length);
  footprint.forEach((f, pc) => {
    const g = guards[pc]!;
    const key = `${JSON.stringify(f)}|${[...g].sort((a, b) => a[0] - b[0]).map(([l, w]) => `${l}${w ? 'w' : 'r'}`).join(',')}`;
    let i = index.get(key);
    if (i === undefined) {
      i = atoms.push({ footprint: f, guards: g }) - 1;
      index.set(key, i);
    }
    atomOf[pc] = i;
  });
  return { atoms, atomOf };
}

/** Predecessor lists of a successor relation (successors past the end are dropped). */
function predecessors(succ: number[][]): number[][] {
  const preds: number[][] = succ.map(() => []);
  succ.forEach((ss, pc) => {
    for (const s of ss) if (s < succ.length) preds[s]!.push(pc);
  });
  return preds;
}

/**
 * reach(pc) = atom(pc) ∪ reach(successors): a backward fixpoint over bit sets, linear in the program
 * times the number of distinct atoms (a handful), where the old per-pc reachable lists were quadratic.
 */
function reachableAtoms(succ: number[][], atomOf: Int32Array, words: number, budget: Pick<Budget, 'check'>): Uint32Array {
  const n = succ.length;
  const reach = new Uint32Array(n * words);
  for (let pc = 0; pc < n; pc++) reach[pc * words + (atomOf[pc]! >>> 5)]! |= 1 << (atomOf[pc]! & 31);
  const preds = predecessors(succ);
  // Most edges go forward: seeding the work list in program order (popped from the end) settles most
  // nodes on the first visit.
  const work: number[] = [];
  const queued = new Uint8Array(n);
  for (let pc = 0; pc < n; pc++) {
    work.push(pc);
    queued[pc] = 1;
  }
  let steps = 0;
  while (work.length > 0) {
    if ((++steps & 0xffff) === 0) budget.check('the reduction\'s model analysis');
    const v = work.pop()!;
    queued[v] = 0;
    for (const u of preds[v]!) {
      let changed = false;
      for (let w = 0; w < words; w++) {
        const merged = reach[u * words + w]! | reach[v * words + w]!;
        if (merged !== reach[u * words + w]) {
          reach[u * words + w] = merged;
          changed = true;
        }
      }
      if (changed && queued[u] === 0) {
        queued[u] = 1;
        work.push(u);
      }
    }
  }
  return reach;
}

/** Whether some pc with `mark` is reachable from each pc (itself included). */
function reachesAny(succ: number[][], mark: boolean[], budget: Pick<Budget, 'check'>): boolean[] {
  const out = mark.slice();
  const preds = predecessors(succ);
  const work = mark.flatMap((x, pc) => (x ? [pc] : []));
  let steps = 0;
  while (work.length > 0) {
    if ((++steps & 0xffff) === 0) budget.check('the reduction\'s model analysis');
    for (const u of preds[work.pop()!]!) {
      if (out[u]) continue;
      out[u] = true;
      work.push(u);
    }
  }
  return out;
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

/** Forward must-analysis of held locks (intersection at joins; calls and returns context-insensitive). */
function mustHeld(p: CompiledProgram, succ: number[][], budget: Pick<Budget, 'check'>): Guards[] {
  const at: (Guards | null)[] = p.code.map(() => null);
  at[p.entry] = new Map();
  const work = [p.entry];
  let steps = 0;
  while (work.length > 0) {
    if ((++steps & 0xffff) === 0) budget.check('the reduction\'s model analysis');
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

/** Per flow register, the keys of the flows it can hold (those its lookups and inserts name). */
function keysByRegister(p: CompiledProgram): number[] {
  const keys = p.regNames.map(() => 0);
  for (const d of p.code) if ((d.src.op === 'lookup' || d.src.op === 'insert' || d.src.op === 'given') && d.flow >= 0) keys[d.flow] = keys[d.flow]! | (1 << d.key);
  return keys;
}

function footprintOf(m: CompiledModel, p: CompiledProgram, pc: number, guards: Guards, isPut: boolean, regKeys: readonly number[]): Footprint {
  const c = p.code[pc]!;
  const flow = (reads: number, writes: number): Footprint => ({ kind: 'flow', keys: regKeys[c.flow] ?? 0, reads: reads | FREED, writes });
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
 * one it deleted that is still linked (an unlinked flow is never linked again), or any, while it can
 * still delete.
 */
function retireIsHarmless(m: CompiledModel, s: readonly number[], put: number, pf: ProgramFacts): boolean {
  const c = m.contexts[put]!;
  if (pf.mayDelete[s[c.base + C_PC]!]) return false;
  let mask = s[c.base + C_DELETED]!;
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
    const row = s[d.base + C_PC]! * pf.words;
    for (let w = 0; w < pf.words; w++) {
      for (let bits = pf.reach[row + w]!; bits !== 0; bits &= bits - 1) {
        const atom = pf.atoms[w * 32 + (31 - Math.clz32(bits & -bits))]!;
        const fu = atom.footprint;
        if (!dependent(ft, fu)) continue;
        if (fu.kind === 'flow' && fu.retire === true && retireIsHarmless(m, s, d.id, pf)) continue;
        const g = atom.guards;
        const excluded = held.some(([l, w2]) => g.has(l) && (w2 || g.get(l) === true));
        if (!excluded) return false;
      }
    }
  }
  return true;
}
