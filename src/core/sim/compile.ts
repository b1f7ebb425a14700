// Turns a model (step programs) and a scenario into the explorer's executable form: one flat code
// array per program (calls and jumps resolved to absolute indices), numbered registers, locks and
// flow keys, and the layout of the flat number array that holds a whole state.

import { FLOW_SIZE, LOCK_SIZE } from '../flowtable/layout';
import type { Cond, Instr, LockDecl, ProtocolModel, StepFunction, StepProgram } from '../model/program';
import { instrText } from '../model/program';
import { ModelError } from '../model/types';
import type { ContextRole, LockKind, SourceLoc } from '../model/types';
import type { Scenario } from './types';

export { ModelError };
export { FLOW_SIZE, F_ACTIVE, F_FREED, F_KEY, F_LINKED, F_RC, F_RETIRED, LOCK_SIZE, L_READERS, L_WAIT_R, L_WAIT_W, L_WRITER, MAX_FLOWS } from '../flowtable/layout';

export const MAX_CALL_DEPTH = 4;

export type CCond =
  | { kind: 'always' }
  | { kind: 'null'; reg: number; negate: boolean }
  | { kind: 'value'; reg: number; op: Extract<Cond, { kind: 'value' }>['op']; value: number }
  | { kind: 'refcount'; reg: number; op: Extract<Cond, { kind: 'refcount' }>['op']; value: number }
  | { kind: 'flag'; reg: number; active: boolean };

/** One instruction with every name resolved to a number; unused fields are -1. */
export interface Code {
  src: Instr;
  text: string;
  loc: SourceLoc;
  lock: number;
  write: boolean;
  /** Flow register (lookup/insert destination or operand). */
  flow: number;
  /** Value register. */
  reg: number;
  key: number;
  target: number;
  delta: number;
  value: number;
  cond: CCond | null;
}

export interface CompiledProgram {
  name: string;
  code: Code[];
  entry: number;
  regNames: string[];
  regIsFlow: boolean[];
  /** Deepest call nesting the program can reach (return-address slots it needs). */
  stackDepth: number;
}

export interface ContextInfo {
  id: number;
  label: string;
  role: ContextRole;
  program: CompiledProgram;
  /** Offset of the context's slots in the state array. */
  base: number;
  /** Offset of its return-address stack and of its registers. */
  stack: number;
  regs: number;
}

// Slot offsets inside a context's block; the return stack (stackDepth slots) and registers follow.
export const C_PC = 0;
export const C_STATUS = 1;
/** Grace period: the readers it waits for (mask). */
export const C_AUX = 2;
export const C_SP = 3;
/** Flows this put deleted (unlinked, freed, marked INACTIVE, dropped a reference of): retired when it completes. */
export const C_DELETED = 4;
/** Flows this context's lookups returned after a put had finished deleting them (stale-lookup once used). */
export const C_STALE = 5;
/** Flows its lookups returned flagged INACTIVE, until its own flag test sees them ACTIVE. */
export const C_STALE_FLAG = 6;
export const C_FIXED = 7;

export const ST_READY = 0;
export const ST_WAITING = 1;
export const ST_DONE = 2;
export const ST_GRACE = 3;

// Header: the context that ran last and preemptions used (only move under a preemption bound).
export const H_LAST = 0;
export const H_PREEMPTIONS = 1;
export const HEADER_SIZE = 2;

export interface CompiledModel {
  model: ProtocolModel;
  scenario: Scenario;
  locks: LockDecl[];
  lockKinds: LockKind[];
  keys: string[];
  contexts: ContextInfo[];
  packet: CompiledProgram;
  put: CompiledProgram;
  lockBase: number;
  flowBase: number;
  initial: number[];
}

export function compileModel(model: ProtocolModel, scenario: Scenario): CompiledModel {
  // Context sets are bit masks in the state; 15 keeps them small.
  if (scenario.packets + scenario.puts > 15) throw new ModelError('at most 15 contexts');
  const locks = model.locks;
  const lockIndex = new Map(locks.map((l, i) => [l.name, i]));
  const keys: string[] = [];
  const keyIndex = (k: string): number => {
    let i = keys.indexOf(k);
    if (i < 0) i = keys.push(k) - 1;
    return i;
  };
  for (const k of scenario.flows) keyIndex(k);
  const packet = compileProgram(model.packet, lockIndex, keyIndex, scenario.flows);
  const put = compileProgram(model.put, lockIndex, keyIndex, scenario.flows);

  const contexts: ContextInfo[] = [];
  let base = HEADER_SIZE + locks.length * LOCK_SIZE;
  const add = (role: ContextRole, n: number, program: CompiledProgram): void => {
    for (let i = 1; i <= n; i++) {
      const stack = base + C_FIXED;
      const regs = stack + program.stackDepth;
      contexts.push({ id: contexts.length, label: `${role} ${i}`, role, program, base, stack, regs });
      base = regs + program.regNames.length;
    }
  };
  add('packet', scenario.packets, packet);
  add('put', scenario.puts, put);

  const initial: number[] = new Array<number>(base).fill(0);
  for (const c of contexts) {
    initial[c.base + C_PC] = c.program.entry;
    c.program.regIsFlow.forEach((isFlow, r) => (initial[c.regs + r] = isFlow ? -1 : 0));
  }
  for (const k of scenario.flows) initial.push(keyIndex(k), model.initialRefcount, 1, 0, 1, 0);
  return {
    model,
    scenario,
    locks,
    lockKinds: locks.map((l) => l.kind),
    keys,
    contexts,
    packet,
    put,
    lockBase: HEADER_SIZE,
    flowBase: base,
    initial,
  };
}

function compileProgram(p: StepProgram, lockIndex: Map<string, number>, keyIndex: (k: string) => number, initialFlows: readonly string[]): CompiledProgram {
  const starts = new Map<string, number>();
  let n = 0;
  for (const f of p.functions) {
    if (starts.has(f.name)) throw new ModelError(`${p.name}: function ${f.name} defined twice`);
    starts.set(f.name, n);
    n += f.body.length + 1; // + implicit return at the end
  }
  const entry = starts.get(p.entry);
  if (entry === undefined) throw new ModelError(`${p.name}: no entry function ${p.entry}`);
  const regNames: string[] = [];
  const regIsFlow: boolean[] = [];
  const regIndex = new Map<string, number>();
  const reg = (name: string, isFlow: boolean): number => {
    let i = regIndex.get(name);
    if (i === undefined) {
      i = regNames.push(name) - 1;
      regIsFlow.push(isFlow);
      regIndex.set(name, i);
    } else if (regIsFlow[i] !== isFlow) {
      throw new ModelError(`${p.name}: register ${name} used both as a flow and as a value`);
    }
    return i;
  };
  const lock = (name: string): number => {
    const i = lockIndex.get(name);
    if (i === undefined) throw new ModelError(`${p.name}: undeclared lock ${name}`);
    return i;
  };
  const code: Code[] = [];
  for (const f of p.functions) {
    const start = starts.get(f.name)!;
    const local = (t: number): number => {
      if (t < 0 || t > f.body.length) throw new ModelError(`${p.name}/${f.name}: jump target ${t} out of range`);
      return start + t;
    };
    const last = f.body[f.body.length - 1];
    const endLoc = last !== undefined ? last.loc : { uri: '', line: 0 };
    for (const i of [...f.body, { op: 'return', loc: endLoc } as Instr]) {
      // Jumps name the listing line they go to (the target instruction's own line, 1-based).
      const lineOf = (t: number): number | undefined => {
        const at = f.body[t] ?? f.body[f.body.length - 1]; // past the end: the implicit return
        return at === undefined ? undefined : at.loc.line + 1;
      };
      const c: Code = { src: i, text: instrText(i, lineOf), loc: i.loc, lock: -1, write: false, flow: -1, reg: -1, key: -1, target: -1, delta: 0, value: 0, cond: null };
      switch (i.op) {
        case 'acquire':
          c.lock = lock(i.lock);
          c.write = i.mode === 'write';
          break;
        case 'release':
        case 'synchronize':
          c.lock = lock(i.lock);
          break;
        case 'lookup':
          c.key = keyIndex(i.key);
          c.flow = reg(i.flow, true);
          c.value = i.skipInactive ? 1 : 0;
          break;
        case 'insert':
          c.key = keyIndex(i.key);
          c.flow = reg(i.flow, true);
          c.value = i.refcount;
          break;
        case 'given':
          // The flow of that key in the initial table (flows start in key order), or NULL.
          c.key = keyIndex(i.key);
          c.flow = reg(i.flow, true);
          c.value = initialFlows.indexOf(i.key);
          break;
        case 'unlink':
        case 'free':
        case 'use':
          c.flow = reg(i.flow, true);
          break;
        case 'refAtomic':
          c.flow = reg(i.flow, true);
          c.delta = i.delta;
          if (i.result !== undefined) c.reg = reg(i.result, false);
          break;
        case 'refLoad':
        case 'flagRead':
          c.flow = reg(i.flow, true);
          c.reg = reg(i.reg, false);
          break;
        case 'refStore':
          c.flow = reg(i.flow, true);
          c.reg = reg(i.reg, false);
          c.delta = i.delta;
          break;
        case 'flagWrite':
          c.flow = reg(i.flow, true);
          c.value = i.value === 'ACTIVE' ? 1 : 0;
          break;
        case 'choose':
          c.target = local(i.target);
          break;
        case 'jump':
          c.target = local(i.target);
          c.cond = compileCond(i.cond, reg);
          if (c.cond.kind === 'null' || c.cond.kind === 'refcount' || c.cond.kind === 'flag') c.flow = c.cond.reg;
          break;
        case 'loop':
          c.target = local(i.target);
          c.reg = reg(i.reg, false);
          c.value = i.max;
          break;
        case 'move':
          c.reg = reg(i.dest, i.flow);
          c.flow = -1;
          c.target = i.src === null ? -1 : reg(i.src, i.flow);
          c.delta = i.delta;
          break;
        case 'call': {
          const s = starts.get(i.fn);
          if (s === undefined) throw new ModelError(`${p.name}: call to unknown function ${i.fn}`);
          c.target = s;
          break;
        }
        case 'return':
        case 'nop':
          break;
      }
      code.push(c);
    }
  }
  return { name: p.name, code, entry, regNames, regIsFlow, stackDepth: callDepth(p, starts, code, entry) };
}

/** Deepest nesting of calls from the entry; recursion is cut at MAX_CALL_DEPTH (deeper calls fail at run time). */
function callDepth(p: StepProgram, starts: Map<string, number>, code: Code[], entry: number): number {
  const fnAt = (pc: number): StepFunction => {
    let best = p.functions[0]!;
    for (const f of p.functions) if (starts.get(f.name)! <= pc && starts.get(f.name)! >= starts.get(best.name)!) best = f;
    return best;
  };
  const depthFrom = (start: number, level: number): number => {
    if (level >= MAX_CALL_DEPTH) return MAX_CALL_DEPTH;
    const f = fnAt(start);
    let d = 0;
    for (let pc = start; pc <= start + f.body.length; pc++) {
      const c = code[pc]!;
      if (c.src.op === 'call') d = Math.max(d, 1 + depthFrom(c.target, level + 1));
    }
    return Math.min(d, MAX_CALL_DEPTH);
  };
  return depthFrom(entry, 0);
}

function compileCond(c: Cond, reg: (name: string, isFlow: boolean) => number): CCond {
  switch (c.kind) {
    case 'always':
      return c;
    case 'null':
      return { kind: 'null', reg: reg(c.flow, true), negate: c.negate === true };
    case 'value':
      return { kind: 'value', reg: reg(c.reg, false), op: c.op, value: c.value };
    case 'refcount':
      return { kind: 'refcount', reg: reg(c.flow, true), op: c.op, value: c.value };
    case 'flag':
      return { kind: 'flag', reg: reg(c.flow, true), active: c.value === 'ACTIVE' };
  }
}

export function flowCount(m: CompiledModel, s: readonly number[]): number {
  return (s.length - m.flowBase) / FLOW_SIZE;
}
