// What a C variable stands for depends on the path that reached a point, not on the source order of
// the assignments: each CFG node is compiled with the bindings its predecessors left (see
// compiler.ts). Where paths with different bindings meet, the variable gets one register and every
// incoming edge that had it elsewhere copies it there (`move` steps on that edge only).

import type { Instr } from '../model/program';
import type { SourceLoc } from '../model/types';
import type { Binding, Frame, Registers } from './frame';

/** The bindings at one point of one function: variables (and `$ret`, the value returned so far), lock handles. */
export interface Env {
  vars: Map<string, Binding>;
  handles: Map<string, string>;
}

/** A register copy an edge needs: dest gets src + delta (a flow: src or NULL; a value: src + delta or the constant delta). */
export interface Move {
  dest: string;
  src: string | null;
  delta: number;
  flow: boolean;
}

export const RET = '$ret';

const UNKNOWN: Binding = { k: 'unknown' };

export function snapshotEnv(f: Frame): Env {
  return { vars: new Map(f.vars), handles: new Map(f.handles) };
}

export function restoreEnv(f: Frame, e: Env): void {
  f.vars.clear();
  for (const [k, v] of e.vars) f.vars.set(k, v);
  f.handles.clear();
  for (const [k, v] of e.handles) f.handles.set(k, v);
}

/** Registers a binding reads. */
export function registersOf(b: Binding): string[] {
  switch (b.k) {
    case 'flow':
    case 'num':
    case 'bool':
      return [b.reg];
    case 'test':
      return [b.cond.kind === 'value' ? b.cond.reg : b.cond.flow];
    default:
      return [];
  }
}

const same = (a: Binding, b: Binding): boolean => JSON.stringify(a) === JSON.stringify(b);

type Kind = 'flow' | 'num' | 'bool' | null;

function kindOf(b: Binding): Kind {
  if (b.k === 'flow' || b.k === 'null') return 'flow';
  if (b.k === 'num' || b.k === 'const') return 'num';
  if (b.k === 'bool') return 'bool';
  return null;
}

/**
 * The register `name` can be given where `envs` meet: its home (prefix + name) unless, on some path
 * where the variable is not already there, another variable lives in it (a copy would clobber it).
 */
function meetingRegister(name: string, kind: 'flow' | 'value', prefix: string, regs: Registers, envs: readonly Env[], strict: boolean): string {
  const home = regs.claim(`${prefix}${name}`, kind);
  for (const e of envs) {
    const mine = e.vars.get(name);
    // No copy on a path that has the variable there already (unless every path may copy: a loop).
    if (!strict && mine !== undefined && registersOf(mine)[0] === home && (mine.k === 'flow' || (mine.k === 'num' && mine.off === 0) || mine.k === 'bool')) continue;
    for (const [other, b] of e.vars) if (other !== name && registersOf(b).includes(home)) return regs.fresh(`${prefix}${name}`, kind);
  }
  return home;
}

/** One register for a variable whose paths disagree, or unknown when they cannot share one. */
function canonical(name: string, bindings: readonly Binding[], prefix: string, regs: Registers, envs: readonly Env[], flowVars: ReadonlySet<string>, strict = false): Binding {
  // A NULL is a flow pointer where another path holds a flow, or where the variable is declared as one;
  // a NULL of any other pointer is nothing the model tracks.
  if (bindings.every((b) => b.k === 'null' || (b.k === 'const' && b.v === 0)) && bindings.some((b) => b.k === 'null') && !flowVars.has(name)) return UNKNOWN;
  // A 0 where other paths hold a flow is a NULL pointer.
  const pointer = bindings.some((b) => b.k === 'flow' || b.k === 'null');
  const kinds = new Set(bindings.map((b) => (pointer && b.k === 'const' && b.v === 0 ? 'flow' : kindOf(b))));
  if (kinds.size !== 1 || kinds.has(null)) return UNKNOWN;
  const kind = [...kinds][0]!;
  if (kind === 'flow') return { k: 'flow', reg: meetingRegister(name, 'flow', prefix, regs, envs, strict) };
  if (kind === 'num') return { k: 'num', reg: meetingRegister(name, 'value', prefix, regs, envs, strict), off: 0 };
  const negs = new Set(bindings.map((b) => (b.k === 'bool' ? b.neg : false)));
  if (negs.size !== 1) return UNKNOWN;
  return { k: 'bool', reg: meetingRegister(name, 'value', prefix, regs, envs, strict), neg: [...negs][0]! };
}

/**
 * The bindings where `incoming` paths meet: agreed ones kept, the others given one register each —
 * only for variables read from here on (`live`); the others are dropped, and cost no copies.
 */
export function mergeEnvs(incoming: readonly Env[], prefix: string, regs: Registers, live: ReadonlySet<string> | null, flowVars: ReadonlySet<string>): Env {
  if (incoming.length === 1) return { vars: new Map(incoming[0]!.vars), handles: new Map(incoming[0]!.handles) };
  const names = new Set(incoming.flatMap((e) => [...e.vars.keys()]).filter((n) => live === null || n === RET || live.has(n)));
  const vars = new Map<string, Binding>();
  for (const name of names) {
    const bs = incoming.map((e) => e.vars.get(name));
    if (bs.some((b) => b === undefined)) {
      vars.set(name, UNKNOWN);
      continue;
    }
    const defined = bs as Binding[];
    vars.set(name, defined.every((b) => same(b, defined[0]!)) ? defined[0]! : canonical(name, defined, prefix, regs, incoming, flowVars));
  }
  const handles = new Map<string, string>();
  for (const [h, lock] of incoming[0]!.handles) if (incoming.every((e) => e.handles.get(h) === lock)) handles.set(h, lock);
  return { vars, handles };
}

/**
 * At a loop header: the variables the loop assigns get one register each (their values differ from
 * one iteration to the next), the others keep their bindings.
 */
export function widenForLoop(env: Env, assigned: ReadonlySet<string>, prefix: string, regs: Registers, live: ReadonlySet<string>, flowVars: ReadonlySet<string>): Env {
  const vars = new Map(env.vars);
  for (const name of assigned) {
    const b = vars.get(name);
    if (b === undefined) continue;
    if (!live.has(name)) {
      vars.delete(name);
      continue;
    }
    // A register of its own (no offset, no other variable reading it) can be the loop's register as it is.
    const own = (b.k === 'flow' || b.k === 'bool' || (b.k === 'num' && b.off === 0)) && ![...env.vars].some(([other, o]) => other !== name && registersOf(o).includes(registersOf(b)[0]!));
    if (!own) vars.set(name, canonical(name, [b], prefix, regs, [env], flowVars, true));
  }
  return { vars, handles: new Map(env.handles) };
}

/**
 * The copies that take a path's bindings `from` to the bindings `to` of the point it enters; the
 * variables it cannot take there (a different kind of value) are listed in `stuck`.
 */
export function movesInto(from: Env, to: Env): { moves: Move[]; stuck: string[] } {
  const moves: Move[] = [];
  const stuck: string[] = [];
  for (const [name, tb] of to.vars) {
    const fb = from.vars.get(name);
    if (tb.k === 'unknown' || (fb !== undefined && same(fb, tb))) continue;
    const m = fb === undefined ? null : moveFor(fb, tb);
    if (m === null) stuck.push(name);
    else if (m !== 'none') moves.push(m);
  }
  return { moves: ordered(moves, stuck), stuck };
}

function moveFor(fb: Binding, tb: Binding): Move | 'none' | null {
  if (tb.k === 'flow') {
    if (fb.k === 'flow') return fb.reg === tb.reg ? 'none' : { dest: tb.reg, src: fb.reg, delta: 0, flow: true };
    if (fb.k === 'null' || (fb.k === 'const' && fb.v === 0)) return { dest: tb.reg, src: null, delta: 0, flow: true };
    return null;
  }
  if (tb.k === 'num') {
    // The value is tb.reg + tb.off on arrival: the register gets the path's value minus that offset.
    if (fb.k === 'num') return fb.reg === tb.reg && fb.off === tb.off ? 'none' : { dest: tb.reg, src: fb.reg, delta: fb.off - tb.off, flow: false };
    if (fb.k === 'const') return { dest: tb.reg, src: null, delta: fb.v - tb.off, flow: false };
    return null;
  }
  if (tb.k === 'bool') {
    if (fb.k === 'bool' && fb.neg === tb.neg) return fb.reg === tb.reg ? 'none' : { dest: tb.reg, src: fb.reg, delta: 0, flow: false };
    return null;
  }
  return null;
}

/** Copies in an order where none overwrites a register a later one reads (a cycle is stuck). */
function ordered(moves: Move[], stuck: string[]): Move[] {
  const out: Move[] = [];
  let rest = moves.slice();
  while (rest.length > 0) {
    const ready = rest.filter((m) => !rest.some((o) => o !== m && o.src === m.dest));
    if (ready.length === 0) {
      stuck.push(...rest.map((m) => m.dest));
      return out;
    }
    out.push(...ready);
    rest = rest.filter((m) => !ready.includes(m));
  }
  return out;
}

export function moveInstr(m: Move, loc: SourceLoc): Instr {
  return { op: 'move', dest: m.dest, src: m.src, delta: m.delta, flow: m.flow, loc };
}
