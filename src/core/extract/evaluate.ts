// Expressions and calls of one C statement → instructions (in C's evaluation order) and a model value.

import type { SyntaxNode as Node } from '../c/syntax';
import { callArgs, calleeName } from '../analysis/ops';
import { lockIdentity, normalizeLvalue, parameterize, squash, substituteParams } from '../analysis/exprs';
import type { LockApi, RefApi } from '../apis/types';
import { argPatternMatches } from '../apis/argPattern';
import type { FlowTableApi } from '../apis/flowTableBuiltins';
import type { CmpOp, Cond } from '../model/program';
import type { FlowFlag, LockKind, SourceLoc } from '../model/types';
import { FLIP, negate } from './emitter';
import type { Binding, Frame, Val } from './frame';
import type { Lowering } from './lowering';
import { REFCOUNT_FIELD } from './types';
import type { UnmodelledReason } from './types';

/** Calls that only pass their first argument through (branch hints, RCU pointer reads). */
const TRANSPARENT = new Set(['likely', 'unlikely', '__builtin_expect', 'rcu_dereference', 'rcu_dereference_protected', 'rcu_dereference_check', 'rcu_dereference_raw', 'READ_ONCE', 'ovsrcu_get', 'ovsrcu_get_protected', 'CONST_CAST']);
/** Assertions, logging and annotations the model skips without a step. */
const IGNORED = /^(ASSERT|NT_ASSERT|assert|ovs_assert|lockdep_assert_held\w*|ASSERT_OVSL|BUG_ON|WARN_ON|WARN_ON_ONCE|UNREFERENCED_PARAMETER|DbgPrint\w*|KdPrint\w*|OVS_LOG_\w+|VLOG_\w+|pr_\w+|printk|net_\w+_ratelimited)$/;
const CMP = new Set(['==', '!=', '<', '<=', '>', '>=']);
const UNKNOWN: Binding = { k: 'unknown' };

/** Casts, parentheses and `&` / `*` in front of an lvalue. */
function strip(n: Node): Node {
  let e = n;
  for (let guard = 0; guard < 32; guard++) {
    if (e.type === 'parenthesized_expression' && e.namedChildren[0]) e = e.namedChildren[0];
    else if (e.type === 'cast_expression' && e.childForFieldName('value')) e = e.childForFieldName('value')!;
    else if (e.type === 'pointer_expression' && e.childForFieldName('argument')) e = e.childForFieldName('argument')!;
    else return e;
  }
  return e;
}

function constOf(text: string): number | null {
  if (/^(TRUE|true)$/.test(text)) return 1;
  // Success codes are 0 (a status a step of the model sets, such as an insert's, is 0 or 1).
  if (/^(STATUS_SUCCESS|NDIS_STATUS_SUCCESS|ERROR_SUCCESS)$/.test(text)) return 0;
  if (/^(FALSE|false|NULL|nullptr)$/.test(text)) return 0;
  if (/^-?\d+[uUlL]*$/.test(text)) return Number.parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+[uUlL]*$/.test(text)) return Number.parseInt(text, 16);
  return null;
}

export function lockKindOf(api: LockApi): LockKind {
  if (api.family === 'rcu' || api.family === 'srcu') return 'rcu';
  return /rw/.test(api.family) ? 'rw' : 'mutex';
}

export class Evaluator {
  /** Flows already given a `use` step in the current statement (one per statement is enough). */
  used = new Set<string>();

  constructor(private readonly pc: Lowering) {}

  loc(n: Node): SourceLoc {
    return { uri: this.pc.uri, line: n.startPosition.row };
  }

  private note(n: Node, reason: UnmodelledReason, note: string): void {
    this.pc.unmodelled(n, reason, note);
  }

  /** The flow register an lvalue is rooted at (`flow`, `&flow->rc`, `(PVOID)obj`, `rc->refCount`), if any. */
  flowOf(n: Node, f: Frame): string | null {
    let e = strip(n);
    for (let guard = 0; guard < 32; guard++) {
      if (e.type === 'identifier') {
        const b = f.get(e.text);
        return b?.k === 'flow' ? b.reg : null;
      }
      const inner = e.type === 'field_expression' || e.type === 'subscript_expression' ? e.childForFieldName('argument') ?? e.namedChildren[0] : null;
      if (!inner) return null;
      e = strip(inner);
    }
    return null;
  }

  /** `flow->x.y` → { flow, field: 'y' } when the root is a flow. */
  private flowField(n: Node, f: Frame): { flow: string; field: string } | null {
    const e = strip(n);
    if (e.type !== 'field_expression') return null;
    const flow = this.flowOf(e, f);
    const field = e.childForFieldName('field')?.text;
    return flow !== null && field !== undefined ? { flow, field } : null;
  }

  private flagStyle(field: string): 'state' | 'deleted' | 'active' | null {
    const c = this.pc.flags;
    if (c.stateFields.includes(field)) return 'state';
    if (c.deletedFields.includes(field)) return 'deleted';
    if (c.activeFields.includes(field)) return 'active';
    return null;
  }

  use(flow: string, what: string, n: Node): void {
    if (this.used.has(flow)) return;
    this.used.add(flow);
    this.pc.em.push({ op: 'use', flow, what, loc: this.loc(n) });
  }

  /** Materialises a value into a register-backed value (reads memory now). */
  private read(v: Val, n: Node, f: Frame, dest?: string): Val {
    if (v.k === 'rc') {
      const reg = dest ?? this.pc.regs.fresh(`${f.prefix}rc`, 'value');
      this.pc.em.push({ op: 'refLoad', flow: v.flow, reg, loc: this.loc(n) });
      return { k: 'num', reg, off: 0 };
    }
    if (v.k === 'flagmem') {
      const reg = dest ?? this.pc.regs.fresh(`${f.prefix}flag`, 'value');
      this.pc.em.push({ op: 'flagRead', flow: v.flow, reg, loc: this.loc(n) });
      // flagRead gives 1 for ACTIVE: a deleted-style field is true when the register is 0.
      return { k: 'bool', reg, neg: v.style === 'deleted' };
    }
    return v;
  }

  /** Evaluates `n` for its effects and value. `dest` names the variable the value goes to, if any. */
  eval(n: Node, f: Frame, dest?: string): Val {
    switch (n.type) {
      case 'parenthesized_expression':
        return n.namedChildren[0] ? this.eval(n.namedChildren[0], f, dest) : UNKNOWN;
      case 'cast_expression': {
        const v = n.childForFieldName('value');
        return v ? this.eval(v, f, dest) : UNKNOWN;
      }
      case 'identifier':
      case 'true':
      case 'false':
      case 'null':
      case 'number_literal': {
        if (n.type === 'null' || n.text === 'NULL' || n.text === 'nullptr') return { k: 'null' };
        const c = constOf(n.text);
        if (c !== null) return { k: 'const', v: c };
        return f.get(n.text) ?? { k: 'name', text: n.text };
      }
      case 'call_expression':
        return this.call(n, f, dest);
      case 'assignment_expression':
        return this.assign(n, f);
      case 'update_expression':
        return this.update(n, f);
      case 'field_expression':
        return this.fieldRead(n, f);
      case 'pointer_expression': {
        const op = n.childForFieldName('operator')?.text;
        const arg = n.childForFieldName('argument');
        if (!arg) return UNKNOWN;
        if (op === '&') {
          this.effectsOnly(arg, f);
          return UNKNOWN;
        }
        const flow = this.flowOf(arg, f);
        if (flow !== null) this.use(flow, 'read', n);
        else this.eval(arg, f);
        return UNKNOWN;
      }
      case 'unary_expression': {
        const op = n.childForFieldName('operator')?.text;
        const arg = n.childForFieldName('argument');
        if (!arg) return UNKNOWN;
        const v = this.eval(arg, f);
        if (op === '!') return this.not(v, arg, f);
        if (op === '-' && v.k === 'const') return { k: 'const', v: -v.v };
        return UNKNOWN;
      }
      case 'binary_expression':
        return this.binary(n, f);
      case 'comma_expression': {
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        if (l) this.eval(l, f);
        return r ? this.eval(r, f, dest) : UNKNOWN;
      }
      case 'conditional_expression': {
        const c = n.childForFieldName('condition');
        if (c) this.eval(c, f);
        this.note(n, 'unsupported', 'a ?: expression: its branches are not evaluated');
        return UNKNOWN;
      }
      case 'subscript_expression': {
        for (const c of n.namedChildren) this.eval(c, f);
        return UNKNOWN;
      }
      default:
        for (const c of n.namedChildren) if (c.type.endsWith('expression')) this.eval(c, f);
        return UNKNOWN;
    }
  }

  /** Only what an lvalue's address computation does (`&flow->lock` reads nothing). */
  private effectsOnly(n: Node, f: Frame): void {
    for (const c of n.descendantsOfType('call_expression')) this.call(c, f);
  }

  private not(v: Val, n: Node, f: Frame): Val {
    switch (v.k) {
      case 'const':
        return { k: 'const', v: v.v === 0 ? 1 : 0 };
      case 'null':
        return { k: 'const', v: 1 };
      case 'bool':
        return { ...v, neg: !v.neg };
      case 'flow':
        return { k: 'cond', cond: { kind: 'null', flow: v.reg } };
      case 'num':
        return { k: 'cond', cond: { kind: 'value', reg: v.reg, op: '==', value: -v.off } };
      case 'flagmem': {
        const b = this.read(v, n, f);
        return b.k === 'bool' ? { ...b, neg: !b.neg } : UNKNOWN;
      }
      case 'rc':
        return { k: 'cond', cond: { kind: 'refcount', flow: v.flow, op: '==', value: 0 } };
      case 'test': {
        const c = negate(v.cond);
        return c !== null && (c.kind === 'value' || c.kind === 'null') ? { k: 'test', cond: c } : UNKNOWN;
      }
      case 'cond': {
        const c = negate(v.cond);
        return c !== null ? { k: 'cond', cond: c } : UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }

  private fieldRead(n: Node, f: Frame): Val {
    const ff = this.flowField(n, f);
    if (ff === null) {
      const arg = n.childForFieldName('argument');
      if (arg) this.eval(arg, f);
      return UNKNOWN;
    }
    if (REFCOUNT_FIELD.test(ff.field)) return { k: 'rc', flow: ff.flow };
    const style = this.flagStyle(ff.field);
    if (style !== null) return { k: 'flagmem', flow: ff.flow, style };
    this.use(ff.flow, ff.field, n);
    return UNKNOWN;
  }

  private binary(n: Node, f: Frame): Val {
    const op = n.childForFieldName('operator')?.text ?? '';
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    if (!l || !r) return UNKNOWN;
    const a = this.eval(l, f);
    const b = this.eval(r, f);
    if (CMP.has(op)) return this.compare(a, op as CmpOp, b, n, f);
    if ((op === '+' || op === '-') && b.k === 'const') {
      const d = op === '+' ? b.v : -b.v;
      if (a.k === 'num') return { ...a, off: a.off + d };
      if (a.k === 'rc') {
        const v = this.read(a, l, f);
        return v.k === 'num' ? { ...v, off: v.off + d } : UNKNOWN;
      }
      if (a.k === 'const') return { k: 'const', v: a.v + d };
    }
    return UNKNOWN;
  }

  /** `a op b` as a condition on model values, or unknown. */
  compare(a: Val, op: CmpOp, b: Val, n: Node, f: Frame): Val {
    if (a.k === 'const' && b.k !== 'const') return this.compare(b, FLIP[op], a, n, f);
    if ((a.k === 'null' || (a.k === 'const' && a.v === 0)) && b.k === 'flow') return this.compare(b, FLIP[op], a, n, f);
    if (a.k === 'flow' && (b.k === 'null' || (b.k === 'const' && b.v === 0)) && (op === '==' || op === '!=')) {
      return { k: 'cond', cond: { kind: 'null', flow: a.reg, negate: op === '!=' } };
    }
    if (a.k === 'const' && b.k === 'const') return { k: 'const', v: cmp(a.v, op, b.v) ? 1 : 0 };
    // NULL on this path (after RemoveFlow(dp, &flow), or assigned): a test against NULL is decided here.
    const isNull = (x: Val): boolean => x.k === 'null' || (x.k === 'const' && x.v === 0);
    if ((a.k === 'null' || b.k === 'null') && isNull(a) && isNull(b) && (op === '==' || op === '!=')) return { k: 'const', v: op === '==' ? 1 : 0 };
    if (b.k === 'const') {
      if (a.k === 'num') return { k: 'cond', cond: { kind: 'value', reg: a.reg, op, value: b.v - a.off } };
      if (a.k === 'rc') return { k: 'cond', cond: { kind: 'refcount', flow: a.flow, op, value: b.v } };
      if (a.k === 'bool' && (op === '==' || op === '!=')) {
        const truthy = (b.v !== 0) === (op === '==');
        return { k: 'bool', reg: a.reg, neg: truthy ? a.neg : !a.neg };
      }
      if (a.k === 'flagmem' && (op === '==' || op === '!=') && a.style !== 'state') {
        const trueMeansActive = a.style === 'active';
        const activeWanted = (b.v !== 0) === trueMeansActive;
        const value: FlowFlag = activeWanted === (op === '==') ? 'ACTIVE' : 'INACTIVE';
        return { k: 'cond', cond: { kind: 'flag', flow: a.flow, value } };
      }
    }
    if (a.k === 'flagmem' && b.k === 'name' && (op === '==' || op === '!=')) {
      const named = flagNamed(b.text);
      if (named !== null) {
        const value: FlowFlag = (named === 'ACTIVE') === (op === '==') ? 'ACTIVE' : 'INACTIVE';
        return { k: 'cond', cond: { kind: 'flag', flow: a.flow, value } };
      }
    }
    if (b.k === 'flagmem' && a.k === 'name') return this.compare(b, FLIP[op], a, n, f);
    return UNKNOWN;
  }

  // ---- assignments ----------------------------------------------------------------------------

  private assign(n: Node, f: Frame): Val {
    const lhs = n.childForFieldName('left');
    const rhs = n.childForFieldName('right');
    const op = n.childForFieldName('operator')?.text ?? '=';
    if (!lhs || !rhs) return UNKNOWN;
    const target = strip(lhs);
    if (target.type === 'identifier' && lhs.type === 'identifier') {
      if (op !== '=') {
        const rv = this.eval(rhs, f);
        const cur = f.get(target.text);
        if (cur?.k === 'num' && rv.k === 'const' && (op === '+=' || op === '-=')) {
          f.vars.set(target.text, { ...cur, off: cur.off + (op === '+=' ? rv.v : -rv.v) });
        } else f.vars.set(target.text, UNKNOWN);
        return f.get(target.text) ?? UNKNOWN;
      }
      return this.bind(target.text, rhs, f);
    }
    const ff = this.flowField(lhs, f);
    if (ff === null) {
      this.eval(rhs, f);
      this.effectsOnly(lhs, f);
      this.sharedWrite(n, lhs, f);
      return UNKNOWN;
    }
    if (REFCOUNT_FIELD.test(ff.field)) return this.storeRefcount(ff.flow, op, rhs, n, f);
    const style = this.flagStyle(ff.field);
    const rv = this.eval(rhs, f);
    if (style !== null && op === '=') {
      const value = flagValue(style, rv);
      if (value !== null) {
        this.pc.em.push({ op: 'flagWrite', flow: ff.flow, value, loc: this.loc(n) });
        return rv;
      }
      this.note(n, 'unsupported', `flag value ${squash(rhs.text)} is neither ACTIVE nor INACTIVE by the flag convention: written as a use`);
    }
    this.use(ff.flow, `write ${ff.field}`, n);
    return rv;
  }

  private sharedWrite(n: Node, lhs: Node, f: Frame): void {
    const e = strip(lhs);
    if (e.type === 'field_expression' || lhs.type === 'pointer_expression' || e.type === 'subscript_expression') {
      if (this.flowOf(lhs, f) === null) this.pc.nop(n, `${squash(n.text).slice(0, 60)}`, 'not-a-flow', 'a write to shared memory other than the flow: a step with no effect');
    }
  }

  /** `var = rhs`. */
  bind(name: string, rhs: Node, f: Frame): Val {
    const destReg = (kind: 'flow' | 'value'): string => f.home(name, kind, this.pc.regs);
    const v = this.eval(rhs, f, name);
    let b: Binding;
    switch (v.k) {
      case 'flow':
      case 'num':
      case 'bool':
      case 'const':
      case 'test':
        b = v;
        break;
      case 'null':
        // NULL on this path; where paths meet, a register that is NULL on this one.
        b = v;
        break;
      case 'rc':
      case 'flagmem': {
        const r = this.read(v, rhs, f, destReg('value'));
        b = r.k === 'num' || r.k === 'bool' ? r : UNKNOWN;
        break;
      }
      default:
        b = UNKNOWN;
    }
    if (v.k === 'cond') b = this.storeTest(v.cond, name, rhs, destReg);
    f.vars.set(name, b);
    return b;
  }

  /** `x = <test>`: memory is read now (a flag or refcount load); a test of registers is kept as it is. */
  private storeTest(c: Cond, name: string, rhs: Node, destReg: (kind: 'flow' | 'value') => string): Binding {
    switch (c.kind) {
      case 'flag': {
        const reg = destReg('value');
        this.pc.em.push({ op: 'flagRead', flow: c.flow, reg, loc: this.loc(rhs) });
        return { k: 'bool', reg, neg: c.value === 'INACTIVE' };
      }
      case 'refcount': {
        const reg = destReg('value');
        this.pc.em.push({ op: 'refLoad', flow: c.flow, reg, loc: this.loc(rhs) });
        return { k: 'test', cond: { kind: 'value', reg, op: c.op, value: c.value } };
      }
      case 'value':
      case 'null':
        return { k: 'test', cond: c };
      default:
        this.note(rhs, 'unsupported', `a test stored in ${name} is not tracked: branches on ${name} are nondeterministic`);
        return UNKNOWN;
    }
  }

  private storeRefcount(flow: string, op: string, rhs: Node, n: Node, f: Frame): Val {
    let v: Val;
    if (op === '+=' || op === '-=') {
      const d = this.eval(rhs, f);
      if (d.k !== 'const') {
        this.note(n, 'unsupported', 'refcount changed by a value the model does not track: written as a use');
        this.use(flow, 'write refcount', n);
        return UNKNOWN;
      }
      const cur = this.read({ k: 'rc', flow }, n, f);
      v = cur.k === 'num' ? { ...cur, off: cur.off + (op === '+=' ? d.v : -d.v) } : UNKNOWN;
    } else {
      v = this.read(this.eval(rhs, f), rhs, f);
    }
    if (v.k !== 'num') {
      this.note(n, 'unsupported', 'refcount set to a value the model does not track (only load + store of the count is modelled): written as a use');
      this.use(flow, 'write refcount', n);
      return UNKNOWN;
    }
    this.pc.em.push({ op: 'refStore', flow, reg: v.reg, delta: v.off, loc: this.loc(n) });
    f.shift(v.reg, v.off);
    return { k: 'num', reg: v.reg, off: 0 };
  }

  private update(n: Node, f: Frame): Val {
    const arg = n.childForFieldName('argument');
    const op = n.childForFieldName('operator')?.text ?? n.text.replace(/[^+-]/g, '').slice(0, 2);
    if (!arg) return UNKNOWN;
    const d = op.startsWith('+') ? 1 : -1;
    const prefix = n.text.trim().startsWith(op);
    const target = strip(arg);
    if (target.type === 'identifier' && arg.type === 'identifier') {
      const cur = f.get(target.text);
      if (cur?.k === 'num') {
        f.vars.set(target.text, { ...cur, off: cur.off + d });
        return prefix ? { ...cur, off: cur.off + d } : cur;
      }
      return UNKNOWN;
    }
    const ff = this.flowField(arg, f);
    if (ff !== null && REFCOUNT_FIELD.test(ff.field)) {
      const cur = this.read({ k: 'rc', flow: ff.flow }, n, f);
      if (cur.k !== 'num') return UNKNOWN;
      this.pc.em.push({ op: 'refStore', flow: ff.flow, reg: cur.reg, delta: d, loc: this.loc(n) });
      return prefix ? cur : { ...cur, off: -d };
    }
    if (ff !== null) {
      this.use(ff.flow, `write ${ff.field}`, n);
      return UNKNOWN;
    }
    this.sharedWrite(n, arg, f);
    return UNKNOWN;
  }

  // ---- calls ----------------------------------------------------------------------------------

  private call(n: Node, f: Frame, dest?: string): Val {
    const name = calleeName(n);
    const args = callArgs(n);
    if (name === null) return this.indirectCall(n, args, f);
    if (TRANSPARENT.has(name)) return args[0] ? this.eval(args[0], f, dest) : UNKNOWN;
    // Assertions and logging: no effect on the model and no step (they never free or lock).
    if (IGNORED.test(name)) return UNKNOWN;
    const ft = this.pc.flowTable.get(name);
    if (ft !== undefined) return this.flowTableCall(ft, n, args, f, dest);
    const inlined = this.pc.inline(name, n, args, f);
    if (inlined !== null) return inlined;
    const lock = this.pc.locks.get(name);
    if (lock !== undefined) return this.lockCall(lock, n, args, f);
    const ref = this.pc.refs.get(name);
    if (ref !== undefined) return this.refCall(ref, n, args, f, dest);
    if (name === 'synchronize_rcu' || name === 'synchronize_net' || name === 'synchronize_rcu_expedited' || name === 'ovsrcu_synchronize') {
      const lock = name === 'ovsrcu_synchronize' ? 'ovsrcu' : 'rcu';
      this.pc.declareLock(lock, 'rcu', n);
      this.pc.em.push({ op: 'synchronize', lock, loc: this.loc(n) });
      return UNKNOWN;
    }
    // Unknown function: its arguments are evaluated; a flow passed to it is used by it.
    let passed = false;
    for (const a of args) {
      const flow = strip(a).type === 'identifier' ? this.flowOf(a, f) : null;
      if (flow !== null) {
        this.use(flow, `passed to ${name}`, n);
        passed = true;
      } else this.eval(a, f);
    }
    if (!passed) this.pc.nop(n, `${name}()`, 'unknown-call', 'no lock, reference or flow-table meaning: a step with no effect');
    return UNKNOWN;
  }

  private indirectCall(n: Node, args: Node[], f: Frame): Val {
    const fn = n.childForFieldName('function');
    const field = fn?.type === 'field_expression' ? fn.childForFieldName('field')?.text ?? '' : '';
    const flow = args.map((a) => this.flowOf(a, f)).find((x) => x !== null) ?? null;
    if (flow !== null && /destroy|free|release/i.test(field)) {
      this.pc.em.push({ op: 'free', flow, loc: this.loc(n) });
      return UNKNOWN;
    }
    for (const a of args) this.eval(a, f);
    this.pc.nop(n, squash(fn?.text ?? 'call').slice(0, 40), 'unknown-call', 'an indirect call: a step with no effect');
    return UNKNOWN;
  }

  /** The argument that names the flow (the first one rooted at a flow register). */
  private flowArg(args: Node[], f: Frame): string | null {
    for (const a of args) {
      const fl = this.flowOf(a, f);
      if (fl !== null) return fl;
    }
    return null;
  }

  private flowTableCall(api: FlowTableApi, n: Node, args: Node[], f: Frame, dest?: string): Val {
    const em = this.pc.em;
    const loc = this.loc(n);
    let flow = api.effects[0] === 'lookup' ? null : this.flowArg(args, f);
    let result: Val = UNKNOWN;
    for (const eff of api.effects) {
      switch (eff) {
        case 'lookup':
        case 'insert': {
          if (eff === 'insert' && flow === null) {
            // The new flow: the argument whose variable names a flow.
            const arg = args.find((a) => strip(a).type === 'identifier' && /flow/i.test(strip(a).text) && f.get(strip(a).text)?.k !== 'const');
            if (arg !== undefined) flow = this.flowVar(strip(arg).text, f);
          }
          if (eff === 'insert' && flow !== null && dest !== undefined) {
            // status = AddFlow(dp, flow): a status, not the flow. Like the Windows AddFlow, it fails
            // (non-zero, nothing linked) when a flow of that key is linked already.
            result = this.insertWithStatus(flow, dest, f, loc);
            break;
          }
          if (eff === 'insert' && flow === null) flow = dest !== undefined ? this.flowVar(dest, f) : this.pc.regs.fresh(`${f.prefix}new`, 'flow');
          // A lookup assigned to a variable writes the variable's own register, whatever it held before.
          const reg = flow ?? (dest !== undefined ? f.home(dest, 'flow', this.pc.regs) : this.pc.regs.fresh(`${f.prefix}found`, 'flow'));
          em.push(eff === 'lookup' ? { op: 'lookup', key: 'F', flow: reg, skipInactive: api.activeOnly === true, loc } : { op: 'insert', key: 'F', flow: reg, refcount: this.pc.initialRefcount, loc });
          result = eff === 'lookup' || dest !== undefined ? { k: 'flow', reg } : { k: 'const', v: 0 };
          flow = reg;
          break;
        }
        case 'unlink':
        case 'free':
        case 'use':
        case 'markDead':
        case 'ref':
        case 'deferredFree':
        case 'freeMaybeDeferred':
        case 'unrefDeferred':
          if (flow === null && eff === 'use') {
            // ovs_execute_actions(dp, skb, rcu_dereference(flow->sf_acts), key): the reads are the uses.
            const before = this.used.size;
            for (const a of args) this.eval(a, f);
            if (this.used.size > before) break;
          }
          if (flow === null) {
            this.pc.nop(n, `${api.name}()`, 'not-a-flow', `${api.name} on something that is not a flow the model tracks: a step with no effect`);
            return UNKNOWN;
          }
          this.flowEffect(eff, api, flow, n, args);
          break;
      }
    }
    if (api.clearsPointer === true) {
      // RemoveFlow(dp, &flow) leaves flow == NULL on this path (other paths keep theirs).
      const byAddress = args.map((a) => strip(a)).find((a, i) => args[i]!.text.trim().startsWith('&') && a.type === 'identifier' && f.get(a.text)?.k === 'flow');
      if (byAddress !== undefined) f.vars.set(byAddress.text, { k: 'null' });
    }
    return result;
  }

  private insertWithStatus(flow: string, dest: string, f: Frame, loc: SourceLoc): Val {
    const em = this.pc.em;
    const present = this.pc.regs.fresh(`${f.prefix}present`, 'flow');
    const status = f.home(dest, 'value', this.pc.regs);
    const fail = em.newLabel();
    const done = em.newLabel();
    em.push({ op: 'lookup', key: 'F', flow: present, skipInactive: false, loc });
    em.jump({ kind: 'null', flow: present, negate: true }, fail, loc);
    em.push({ op: 'insert', key: 'F', flow, refcount: this.pc.initialRefcount, loc });
    em.push({ op: 'move', dest: status, src: null, delta: 0, flow: false, loc });
    em.jump({ kind: 'always' }, done, loc);
    em.place(fail);
    em.push({ op: 'move', dest: status, src: null, delta: 1, flow: false, loc });
    em.place(done);
    return { k: 'num', reg: status, off: 0 };
  }

  private flowEffect(eff: FlowTableApi['effects'][number], api: FlowTableApi, flow: string, n: Node, args: Node[]): void {
    const em = this.pc.em;
    const loc = this.loc(n);
    const rcu = api.rcu ?? 'rcu';
    const deferredFree = (): void => {
      this.pc.declareLock(rcu, 'rcu', n);
      em.push({ op: 'synchronize', lock: rcu, loc });
      em.push({ op: 'free', flow, loc });
    };
    switch (eff) {
      case 'unlink':
        em.push({ op: 'unlink', flow, loc });
        return;
      case 'free':
        em.push({ op: 'free', flow, loc });
        return;
      case 'use':
        this.use(flow, api.name, n);
        return;
      case 'markDead':
        em.push({ op: 'flagWrite', flow, value: 'INACTIVE', loc });
        return;
      case 'ref':
        em.push({ op: 'refAtomic', flow, delta: 1, loc });
        return;
      case 'deferredFree':
        deferredFree();
        return;
      case 'freeMaybeDeferred': {
        const arg = args[api.deferredArg ?? 1];
        const c = arg !== undefined ? constOf(arg.text.trim()) : 1;
        if (c === 0) em.push({ op: 'free', flow, loc });
        else deferredFree();
        return;
      }
      case 'unrefDeferred': {
        const reg = this.pc.regs.fresh('unref', 'value');
        em.push({ op: 'refAtomic', flow, delta: -1, result: reg, loc });
        const skip = em.newLabel();
        em.jump({ kind: 'value', reg, op: '!=', value: 0 }, skip, loc);
        deferredFree();
        em.place(skip);
        return;
      }
      default:
        return;
    }
  }

  /** The flow register of variable `name` (binding it to its own if it holds no flow yet). */
  private flowVar(name: string, f: Frame): string {
    const b = f.get(name);
    if (b?.k === 'flow') return b.reg;
    const reg = f.home(name, 'flow', this.pc.regs);
    f.vars.set(name, { k: 'flow', reg });
    return reg;
  }

  /** A lock name in the caller's terms: the frame's parameters replaced by their arguments. */
  resolveText(text: string, f: Frame): string {
    if (f.params.length === 0) return text;
    const p = parameterize(text, f.params);
    return substituteParams(p, f.paramTexts) ?? text;
  }

  private lockCall(api: LockApi, n: Node, args: Node[], f: Frame): Val {
    const em = this.pc.em;
    const argText = (i: number): string | undefined => args[i]?.text;
    let lock: string | null = null;
    if (api.lockExpr !== undefined) lock = substituteParams(api.lockExpr, args.map((a) => squash(a.text)));
    else if (api.lockFromHandle && api.handleArg !== undefined) lock = f.handles.get(normalizeLvalue(argText(api.handleArg) ?? '')) ?? null;
    else if (api.lockArg < 0) lock = api.implicitLock ?? api.family;
    else if (argText(api.lockArg) !== undefined) lock = lockIdentity(argText(api.lockArg)!, api.byValue === true);
    if (lock === null) {
      this.pc.nop(n, `${api.name}()`, 'unsupported', 'cannot tell which lock this is: a step with no effect');
      return UNKNOWN;
    }
    lock = this.resolveText(lock, f);
    if (api.kind === 'destroy') {
      this.pc.nop(n, `${api.name}()`, 'unsupported', 'tears a lock down: a step with no effect in the model');
      return UNKNOWN;
    }
    const kind = lockKindOf(api);
    if (api.kind === 'release') {
      this.pc.declareLock(lock, kind, n);
      em.push({ op: 'release', lock, loc: this.loc(n) });
      return UNKNOWN;
    }
    let write = api.mode !== 'shared';
    if (api.modeArg !== undefined) {
      const c = constOf(argText(api.modeArg)?.trim() ?? '');
      if (c === null) this.note(n, 'unsupported', 'the lock mode argument is not a constant: taken for writing');
      write = c === null || c !== 0;
    }
    if (kind === 'mutex') write = true;
    if (kind === 'rcu') write = false;
    this.pc.declareLock(lock, kind, n);
    if (api.handleArg !== undefined && argText(api.handleArg) !== undefined) f.handles.set(normalizeLvalue(argText(api.handleArg)!.replace(/^&/, '')), lock);
    if (api.handleArg !== undefined && argText(api.handleArg) !== undefined) f.handles.set(normalizeLvalue(argText(api.handleArg)!), lock);
    em.push({ op: 'acquire', lock, mode: write ? 'write' : 'read', loc: this.loc(n) });
    if (api.kind === 'tryacquire') {
      this.note(n, 'unsupported', 'a try-acquire is modelled as an acquire that waits and then succeeds');
      return { k: 'const', v: api.trySuccess === 'zero' ? 0 : 1 };
    }
    return UNKNOWN;
  }

  private refCall(api: RefApi, n: Node, args: Node[], f: Frame, dest?: string): Val {
    const em = this.pc.em;
    const loc = this.loc(n);
    const arg = api.objArg !== undefined ? args[api.objArg] : undefined;
    const flow = arg !== undefined ? this.flowOf(arg, f) : null;
    if (api.argPattern !== undefined && arg !== undefined && !argPatternMatches(api.argPattern, arg.text)) {
      // InterlockedIncrement(&flow->packets) is a counter, not a reference: a write to the flow.
      if (flow !== null) this.use(flow, `${api.name}`, n);
      else this.pc.nop(n, `${api.name}()`, 'not-a-flow', 'a counter that is not a flow refcount: a step with no effect');
      return UNKNOWN;
    }
    if (flow === null) {
      this.pc.nop(n, `${api.name}()`, 'not-a-flow', `${api.kind} on something that is not the flow: a step with no effect`);
      return api.kind === 'tryget' ? { k: 'const', v: 1 } : UNKNOWN;
    }
    const want = dest !== undefined || !this.pc.statementLevel(n);
    switch (api.kind) {
      case 'get':
      case 'tryget': {
        const reg = want ? this.resultReg(dest, f) : undefined;
        em.push(reg !== undefined ? { op: 'refAtomic', flow, delta: 1, result: reg, loc } : { op: 'refAtomic', flow, delta: 1, loc });
        if (api.kind === 'tryget') {
          this.note(n, 'unsupported', `${api.name} is modelled as an increment that always succeeds`);
          return { k: 'const', v: 1 };
        }
        return reg !== undefined ? { k: 'num', reg, off: 0 } : UNKNOWN;
      }
      case 'put': {
        if (api.name === 'OVS_REFCOUNT_DEREFERENCE') return this.seedDereference(flow, n);
        const reg = this.resultReg(dest, f);
        em.push({ op: 'refAtomic', flow, delta: -1, result: reg, loc });
        if (api.lastWhen === 'returns-one') return { k: 'num', reg, off: 1 };
        if (api.lastWhen === 'returns-true') return { k: 'cond', cond: { kind: 'value', reg, op: '==', value: 0 } };
        return { k: 'num', reg, off: 0 };
      }
      case 'destroy': {
        // OVS_REFCOUNT_DESTROY as the seed proposes it: mark, then destroy at once if unreferenced.
        const out = em.newLabel();
        em.push({ op: 'flagWrite', flow, value: 'INACTIVE', loc });
        em.jump({ kind: 'refcount', flow, op: '!=', value: 0 }, out, loc);
        em.push({ op: 'free', flow, loc });
        em.place(out);
        return UNKNOWN;
      }
      case 'free':
        em.push({ op: 'free', flow, loc });
        return UNKNOWN;
      default:
        this.pc.nop(n, `${api.name}()`, 'unsupported', `${api.kind} of a flow is not modelled: a step with no effect`);
        return UNKNOWN;
    }
  }

  /** The register an atomic op's result goes to: the assigned variable's, else a fresh one. */
  private resultReg(dest: string | undefined, f: Frame): string {
    if (dest === undefined) return this.pc.regs.fresh(`${f.prefix}ref`, 'value');
    return f.home(dest, 'value', this.pc.regs);
  }

  /** OVS_REFCOUNT_DEREFERENCE as the seed proposes it: decrement; at 0, destroy if marked. */
  private seedDereference(flow: string, n: Node): Val {
    const em = this.pc.em;
    const loc = this.loc(n);
    const reg = this.pc.regs.fresh('deref', 'value');
    const out = em.newLabel();
    em.push({ op: 'refAtomic', flow, delta: -1, result: reg, loc });
    em.jump({ kind: 'value', reg, op: '!=', value: 0 }, out, loc);
    em.jump({ kind: 'flag', flow, value: 'ACTIVE' }, out, loc);
    em.push({ op: 'free', flow, loc });
    em.place(out);
    return UNKNOWN;
  }

  /** A value as a branch condition: a Cond, a constant, or null (nondeterministic). */
  condOf(v: Val, n: Node, f: Frame): Cond | boolean | null {
    switch (v.k) {
      case 'cond':
      case 'test':
        return v.cond;
      case 'const':
        return v.v !== 0;
      case 'null':
        return false;
      case 'flow':
        return { kind: 'null', flow: v.reg, negate: true };
      case 'num':
        return { kind: 'value', reg: v.reg, op: '!=', value: -v.off };
      case 'bool':
        return { kind: 'value', reg: v.reg, op: v.neg ? '==' : '!=', value: 0 };
      case 'rc':
        return { kind: 'refcount', flow: v.flow, op: '!=', value: 0 };
      case 'flagmem':
        if (v.style === 'state') return null;
        return { kind: 'flag', flow: v.flow, value: v.style === 'active' ? 'ACTIVE' : 'INACTIVE' };
      default:
        void f;
        void n;
        return null;
    }
  }
}

function cmp(a: number, op: CmpOp, b: number): boolean {
  return op === '==' ? a === b : op === '!=' ? a !== b : op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

/** INACTIVE / ACTIVE from a value name by the convention (DELETED, DEAD, REMOVED count as INACTIVE). */
function flagNamed(text: string): FlowFlag | null {
  if (/INACTIVE|DELETED|DEAD|REMOVED/i.test(text)) return 'INACTIVE';
  if (/ACTIVE|ALIVE|LIVE/i.test(text)) return 'ACTIVE';
  return null;
}

function flagValue(style: 'state' | 'deleted' | 'active', v: Val): FlowFlag | null {
  if (v.k === 'name') return flagNamed(v.text);
  if (v.k === 'const' && style !== 'state') {
    const truthy = v.v !== 0;
    return (style === 'active') === truthy ? 'ACTIVE' : 'INACTIVE';
  }
  return null;
}
