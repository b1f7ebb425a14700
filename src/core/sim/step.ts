// What one step of one context does to the model state, and which steps are enabled. Pure functions on
// the flat state array (see compile.ts for the layout); events report the invariants a step breaks as
// it happens. This is the explorer's inner loop, so it avoids closures and per-step allocations.

import type { Code, CompiledModel, ContextInfo } from './compile';
import * as layout from './compile';
import { compare, condText } from '../model/program';
import { ModelError } from '../model/types';
import type { InvariantId } from './types';
import * as lockOps from '../flowtable/rwLock';
import * as table from '../flowtable/table';

// Local copies: imported bindings are property reads through getters once compiled to CommonJS.
const { C_AUX, C_DELETED, C_PC, C_SP, C_STALE, C_STALE_FLAG, C_STATUS, LOCK_SIZE, L_READERS, MAX_CALL_DEPTH, ST_DONE, ST_GRACE, ST_READY, ST_WAITING } = layout;
const { F_ACTIVE, F_FREED, F_KEY, F_LINKED, F_RC, F_RETIRED, FLOW_SIZE } = layout;
const { canGrant, grant, holders, registerWaiter, releaseLock } = lockOps;
const { insertFlow, lookupFlow } = table;

export interface StepEvent {
  invariant: InvariantId;
  ctx: number;
  /** Flow index involved, or -1. */
  flow: number;
  /** Lock index involved, or -1. */
  lock: number;
}

export interface StepOutcome {
  next: number[];
  events: readonly StepEvent[];
  /** Plain words (only when asked to explain). */
  effect: string;
  /** The step registered the context as a waiter (lock or grace period). */
  waited: boolean;
}

const NO_EVENTS: readonly StepEvent[] = Object.freeze([]);

/** Number of transitions ctx has: 0 (done or blocked), 1, or 2 (a nondeterministic choice). */
export function transitionsOf(m: CompiledModel, s: readonly number[], ctx: number): number {
  const c = m.contexts[ctx]!;
  const status = s[c.base + C_STATUS];
  if (status === ST_DONE) return 0;
  const code = c.program.code[s[c.base + C_PC]!]!;
  if (status === ST_READY) return code.src.op === 'choose' ? 2 : 1;
  const lb = m.lockBase + code.lock * LOCK_SIZE;
  if (status === ST_WAITING) return canGrant(m.lockKinds[code.lock]!, s, lb, ctx, code.write) ? 1 : 0;
  return (s[lb + L_READERS]! & s[c.base + C_AUX]!) === 0 ? 1 : 0;
}

export function isDone(m: CompiledModel, s: readonly number[], ctx: number): boolean {
  return s[m.contexts[ctx]!.base + C_STATUS] === ST_DONE;
}

/** Some context is registered as a waiter (for a lock or a grace period). */
export function someoneWaits(m: CompiledModel, s: readonly number[]): boolean {
  for (const c of m.contexts) {
    const st = s[c.base + C_STATUS];
    if (st === ST_WAITING || st === ST_GRACE) return true;
  }
  return false;
}

class Step {
  events: StepEvent[] | null = null;
  effect = '';
  waited = false;

  constructor(
    readonly m: CompiledModel,
    readonly n: number[],
    readonly ctx: number,
    readonly explain: boolean,
  ) {}

  event(invariant: InvariantId, flow: number, lock: number): void {
    (this.events ??= []).push({ invariant, ctx: this.ctx, flow, lock });
  }

  /** Flow in a flow register (-1 for NULL); reports use-after-free when it is freed. */
  flow(c: ContextInfo, reg: number): number {
    const f = this.n[c.regs + reg]!;
    if (f >= 0 && this.n[this.m.flowBase + f * FLOW_SIZE + F_FREED] === 1) this.event('use-after-free', f, -1);
    return f;
  }

  /** The flow is used (its fields, count, link or memory): stale-lookup when this context found it deleted. */
  used(c: ContextInfo, f: number): void {
    if ((((this.n[c.base + C_STALE]! | this.n[c.base + C_STALE_FLAG]!) >>> f) & 1) === 1) this.event('stale-lookup', f, -1);
  }

  /** A put deleting f (for retirement when the put completes). */
  deletes(c: ContextInfo, f: number): void {
    if (c.role === 'put') this.n[c.base + C_DELETED] = this.n[c.base + C_DELETED]! | (1 << f);
  }

  /** The context's own test saw f's flag: seen ACTIVE, it no longer counts as found INACTIVE. */
  sawFlag(c: ContextInfo, f: number): void {
    if (this.n[this.slot(f, F_ACTIVE)] === 1) this.n[c.base + C_STALE_FLAG] = this.n[c.base + C_STALE_FLAG]! & ~(1 << f);
  }

  slot(f: number, field: number): number {
    return this.m.flowBase + f * FLOW_SIZE + field;
  }

  key(f: number): string {
    return this.m.keys[this.n[this.slot(f, F_KEY)]!] ?? '?';
  }

  setRc(f: number, v: number): void {
    this.n[this.slot(f, F_RC)] = v;
    if (v < 0) this.event('negative-refcount', f, -1);
  }
}

export function execute(m: CompiledModel, s: readonly number[], ctx: number, choice: number, explain: boolean): StepOutcome {
  const c = m.contexts[ctx]!;
  const n = s.slice();
  const st = new Step(m, n, ctx, explain);
  const b = c.base;
  const pc = n[b + C_PC]!;
  const code = c.program.code[pc]!;
  const status = n[b + C_STATUS];
  if (status === ST_WAITING) {
    grant(m.lockKinds[code.lock]!, n, m.lockBase + code.lock * LOCK_SIZE, ctx, code.write);
    n[b + C_STATUS] = ST_READY;
    n[b + C_PC] = pc + 1;
    if (explain) st.effect = `gets ${m.locks[code.lock]!.name} (${code.write ? 'write' : 'read'}) after waiting`;
  } else if (status === ST_GRACE) {
    n[b + C_STATUS] = ST_READY;
    n[b + C_AUX] = 0;
    n[b + C_PC] = pc + 1;
    if (explain) st.effect = `grace period on ${m.locks[code.lock]!.name} over`;
  } else {
    run(st, c, code, pc, choice, s);
  }
  return { next: n, events: st.events ?? NO_EVENTS, effect: st.effect, waited: st.waited };
}

function run(st: Step, c: ContextInfo, code: Code, pc: number, choice: number, before: readonly number[]): void {
  const { m, n, ctx, explain } = st;
  const b = c.base;
  n[b + C_PC] = pc + 1; // most steps fall through; jumps, calls and returns overwrite it
  const op = code.src.op;
  const lockName = code.lock >= 0 ? m.locks[code.lock]!.name : '';
  const lb = m.lockBase + code.lock * LOCK_SIZE;
  // Flow operations on a NULL register do nothing (a C path the model cannot rule out).
  if (code.flow >= 0 && op !== 'lookup' && op !== 'insert' && op !== 'given' && op !== 'jump' && n[c.regs + code.flow]! < 0) {
    if (explain) st.effect = `${c.program.regNames[code.flow]} is NULL: nothing to do`;
    return;
  }
  switch (op) {
    case 'acquire': {
      const kind = m.lockKinds[code.lock]!;
      if (canGrant(kind, n, lb, ctx, code.write)) {
        grant(kind, n, lb, ctx, code.write);
        if (explain) st.effect = `takes ${lockName} (${code.write ? 'write' : 'read'})`;
      } else {
        registerWaiter(kind, n, lb, ctx, code.write);
        n[b + C_STATUS] = ST_WAITING;
        n[b + C_PC] = pc;
        st.waited = true;
        if (explain) st.effect = `waits for ${lockName} (${code.write ? 'write' : 'read'}): ${waitReason(m, before, c, lb)}`;
      }
      return;
    }
    case 'release':
      if (!releaseLock(n, lb, ctx)) {
        st.event('lock-discipline', -1, code.lock);
        if (explain) st.effect = `releases ${lockName}, which it does not hold`;
      } else if (explain) st.effect = `releases ${lockName}`;
      return;
    case 'synchronize': {
      const readers = n[lb + L_READERS]! & ~(1 << ctx);
      if (readers === 0) {
        if (explain) st.effect = `grace period on ${lockName}: no readers, over at once`;
      } else {
        n[b + C_STATUS] = ST_GRACE;
        n[b + C_AUX] = readers;
        n[b + C_PC] = pc;
        st.waited = true;
        if (explain) st.effect = `grace period on ${lockName}: waits for ${holders(n, lb, m.contexts.map((x) => x.label))}`;
      }
      return;
    }
    case 'lookup': {
      const r = lookupFlow(m.flowBase, n, code.key, code.value === 1);
      if (r.touchedFreed >= 0) st.event('use-after-free', r.touchedFreed, -1);
      n[c.regs + code.flow] = r.flow;
      if (r.flow >= 0) {
        // Found already deleted (a put completed on it) or marked INACTIVE: only a use makes it a violation.
        const bit = 1 << r.flow;
        n[b + C_STALE] = n[st.slot(r.flow, F_RETIRED)] === 1 ? n[b + C_STALE]! | bit : n[b + C_STALE]! & ~bit;
        n[b + C_STALE_FLAG] = n[st.slot(r.flow, F_ACTIVE)] === 0 ? n[b + C_STALE_FLAG]! | bit : n[b + C_STALE_FLAG]! & ~bit;
      }
      if (explain) st.effect = r.flow >= 0 ? `lookup finds ${st.key(r.flow)}` : 'lookup finds nothing';
      return;
    }
    case 'given':
      n[c.regs + code.flow] = code.value;
      if (explain) st.effect = code.value >= 0 ? `has ${st.key(code.value)} (found by its caller)` : 'has no flow';
      return;
    case 'insert': {
      const f = insertFlow(m.flowBase, n, code.key, code.value);
      n[c.regs + code.flow] = f;
      if (explain) st.effect = `inserts ${st.key(f)} (refcount ${code.value})`;
      return;
    }
    case 'unlink': {
      const f = st.flow(c, code.flow);
      st.used(c, f);
      st.deletes(c, f);
      n[st.slot(f, F_LINKED)] = 0;
      if (explain) st.effect = `unlinks ${st.key(f)}`;
      return;
    }
    case 'free': {
      const f = n[c.regs + code.flow]!;
      st.used(c, f);
      st.deletes(c, f);
      if (n[st.slot(f, F_FREED)] === 1) st.event('double-free', f, -1);
      n[st.slot(f, F_FREED)] = 1;
      if (explain) st.effect = `frees ${st.key(f)}`;
      return;
    }
    case 'refAtomic': {
      const f = st.flow(c, code.flow);
      st.used(c, f);
      if (code.delta < 0) st.deletes(c, f);
      const old = n[st.slot(f, F_RC)]!;
      st.setRc(f, old + code.delta);
      if (code.reg >= 0) n[c.regs + code.reg] = old + code.delta;
      if (explain) st.effect = `atomic ${st.key(f)}.refcount: ${old + code.delta}`;
      return;
    }
    case 'refLoad': {
      const f = st.flow(c, code.flow);
      st.used(c, f);
      const v = n[st.slot(f, F_RC)]!;
      n[c.regs + code.reg] = v;
      if (explain) st.effect = `load ${st.key(f)}.refcount: ${v}`;
      return;
    }
    case 'refStore': {
      const f = st.flow(c, code.flow);
      st.used(c, f);
      if (code.delta < 0) st.deletes(c, f);
      const v = n[c.regs + code.reg]! + code.delta;
      st.setRc(f, v);
      n[c.regs + code.reg] = v;
      if (explain) st.effect = `store ${st.key(f)}.refcount: ${v}`;
      return;
    }
    case 'flagRead': {
      const f = st.flow(c, code.flow);
      st.sawFlag(c, f);
      const v = n[st.slot(f, F_ACTIVE)]!;
      n[c.regs + code.reg] = v;
      if (explain) st.effect = `load ${st.key(f)}.flag: ${v === 1 ? 'ACTIVE' : 'INACTIVE'}`;
      return;
    }
    case 'flagWrite': {
      const f = st.flow(c, code.flow);
      st.used(c, f);
      if (code.value === 0) st.deletes(c, f);
      n[st.slot(f, F_ACTIVE)] = code.value;
      if (explain) st.effect = `marks ${st.key(f)} ${code.value === 1 ? 'ACTIVE' : 'INACTIVE'}`;
      return;
    }
    case 'use': {
      const f = st.flow(c, code.flow);
      st.used(c, f);
      if (explain) st.effect = `${n[st.slot(f, F_FREED)] === 1 ? 'FREED: ' : ''}uses ${st.key(f)} ${code.src.op === 'use' ? code.src.what : ''}`;
      return;
    }
    case 'choose':
      if (choice === 1) n[b + C_PC] = code.target;
      if (explain) st.effect = choice === 1 ? 'takes the branch' : 'does not take the branch';
      return;
    case 'jump': {
      const taken = evalCond(st, c, code);
      if (taken) n[b + C_PC] = code.target;
      if (explain) st.effect = code.cond!.kind === 'always' ? 'goto' : `${condText(code.src.op === 'jump' ? code.src.cond : { kind: 'always' })}? ${taken ? 'yes' : 'no'}`;
      return;
    }
    case 'loop': {
      const r = c.regs + code.reg;
      const count = n[r]! + 1;
      if (count < code.value) {
        n[r] = count;
        n[b + C_PC] = code.target;
      } else {
        n[r] = 0;
      }
      if (explain) st.effect = count < code.value ? `loops again (${count})` : 'leaves the loop';
      return;
    }
    case 'move': {
      // A flow copies as it is (NULL stays NULL); a value gets the delta added; no source: the constant (or NULL).
      const flow = code.src.op === 'move' && code.src.flow;
      const v = code.target < 0 ? (flow ? -1 : code.delta) : flow ? n[c.regs + code.target]! : n[c.regs + code.target]! + code.delta;
      n[c.regs + code.reg] = v;
      if (explain) st.effect = code.text;
      return;
    }
    case 'call': {
      const sp = n[b + C_SP]!;
      if (sp >= c.program.stackDepth) throw new ModelError(`${c.label}: call depth above ${Math.min(c.program.stackDepth, MAX_CALL_DEPTH)}`);
      n[c.stack + sp] = pc + 1;
      n[b + C_SP] = sp + 1;
      n[b + C_PC] = code.target;
      if (explain) st.effect = `calls ${code.src.op === 'call' ? code.src.fn : ''}`;
      return;
    }
    case 'return': {
      const sp = n[b + C_SP]!;
      if (sp > 0) {
        n[b + C_SP] = sp - 1;
        n[b + C_PC] = n[c.stack + sp - 1]!;
        n[c.stack + sp - 1] = 0;
        if (explain) st.effect = 'returns';
      } else {
        n[b + C_PC] = pc;
        n[b + C_STATUS] = ST_DONE;
        if (c.role === 'put') {
          // The put has completed: the flows it deleted are gone as far as later lookups go.
          let mask = n[b + C_DELETED]!;
          for (let f = 0; mask !== 0; f++, mask >>>= 1) if ((mask & 1) !== 0) n[st.slot(f, F_RETIRED)] = 1;
        }
        if (explain) st.effect = c.role === 'put' ? 'put complete' : 'done';
      }
      return;
    }
    case 'nop':
      if (explain) st.effect = code.text;
      return;
  }
}

function evalCond(st: Step, c: ContextInfo, code: Code): boolean {
  const cond = code.cond!;
  const n = st.n;
  switch (cond.kind) {
    case 'always':
      return true;
    case 'null':
      return (n[c.regs + cond.reg]! < 0) !== cond.negate;
    case 'value':
      return compare(n[c.regs + cond.reg]!, cond.op, cond.value);
    case 'refcount':
    case 'flag': {
      const f = st.flow(c, cond.reg);
      if (f < 0) return false;
      if (cond.kind === 'flag') st.sawFlag(c, f);
      else st.used(c, f);
      return cond.kind === 'refcount' ? compare(n[st.slot(f, F_RC)]!, cond.op, cond.value) : (n[st.slot(f, F_ACTIVE)] === 1) === cond.active;
    }
  }
}

/** Why ctx cannot get the lock at lb right now, in plain words. */
export function waitReason(m: CompiledModel, s: readonly number[], c: ContextInfo, lb: number): string {
  const labels = m.contexts.map((x) => x.label);
  const code = c.program.code[s[c.base + C_PC]!]!;
  const writer = s[lb + layout.L_WRITER]!;
  const readers = lockOps.maskMembers(s[lb + L_READERS]!);
  if (writer === c.id + 1 || readers.includes(c.id)) return `${c.label} already holds it (the lock is not recursive)`;
  if (writer !== 0) return `held for writing by ${labels[writer - 1]}`;
  const waitingWriters = lockOps.maskMembers(s[lb + layout.L_WAIT_W]! & ~(1 << c.id));
  if (!code.write && m.lockKinds[code.lock] === 'rw' && waitingWriters.length > 0) {
    return `${waitingWriters.map((x) => labels[x]).join(', ')} waits to write (a waiting writer blocks new readers)`;
  }
  return readers.length > 0 ? `held for reading by ${readers.map((x) => labels[x]).join(', ')}` : 'the lock is busy';
}
