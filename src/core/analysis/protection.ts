import type { SyntaxNode as Node } from '../c/syntax';
import { rangeOf, type SourceRange } from '../source';
import { stripCasts } from './exprs';
import { COUNT_FIELD_NAMES } from './lockClass';
import type { Op } from './ops';
import type { AbsState, DeadObject } from './state';
import type { Branch, FnContext } from './fnContext';

/**
 * What keeps a pointer valid (use-after-unlock, the seed thread's bug). A pointer to a
 * reference-counted object that this function reaches while it holds a lock — the result of a
 * lookup, or a pointer read out of a shared structure — is kept alive only by that lock. When the
 * last lock held at that moment is released, the pointer is unprotected: dereferencing it, passing
 * it on or taking a reference on it then races with the thread that frees it. Taking a reference
 * while the lock is held, or handing the object to a call that may unlink or keep it (a removal,
 * an insert), ends the watch; so does giving the variable another value.
 *
 * Marks ride in the dead-object list (`how: 'guarded' | 'unlocked'`) so that uses are found by the
 * same code as uses after a put, and liveness drops marks nothing downstream reads.
 */

/** Calls whose names say they unlink, steal or take over what they are given: the object is ours or theirs now. */
const HANDS_OFF = /(remove|delete|_del\b|_del_|unlink|detach|steal|take|insert|push|enqueue|publish|hold|get|grab|ref|acquire|lock)/i;

/** `&p->refCount`, `&p->ref_cnt`, `&p->kref`: handing a count over is taking or giving a reference. */
const COUNT_FIELD = new RegExp(`->\\s*(${COUNT_FIELD_NAMES}|kref|rc)\\b`, 'i');

/** `p = lookup(...)`, `p = base->field`, `p = base->tbl[i]`, `p = rcu_dereference(base->f)`: a pointer reached through shared state. */
function reachedThrough(rhs: Node): string | undefined {
  let e = rhs;
  for (let i = 0; i < 4 && (e.type === 'parenthesized_expression' || e.type === 'cast_expression'); i++) {
    e = (e.type === 'cast_expression' ? e.childForFieldName('value') : e.namedChildren[0]) ?? e;
  }
  if (e.type === 'call_expression') {
    const fn = e.childForFieldName('function');
    return fn?.type === 'identifier' ? fn.text : undefined;
  }
  if (e.type === 'field_expression' && e.text.includes('->')) return 'a read of shared state';
  if (e.type === 'subscript_expression' && e.text.includes('->')) return 'a read of shared state';
  return undefined;
}

/** Locks this function took itself (a caller's lock protects beyond the call). */
function ownLocks(s: AbsState): string[] {
  return s.locks.filter((l) => !l.fromEntry).map((l) => l.id);
}

/** After `lhs = rhs` (and the reference bookkeeping of it): watch the pointer when a lock alone keeps it valid. */
export function noteReached(ctx: FnContext, b: Branch, op: Extract<Op, { op: 'assign' }>): void {
  if (!op.rhs || op.lhs.type !== 'identifier' || b.s.locks.length === 0) return;
  const name = op.lhs.text;
  if (!ctx.isLocal(name) || !ctx.managed(name) || ctx.graceFreed(name)) return;
  const via = reachedThrough(op.rhs);
  if (!via) return;
  const guards = ownLocks(b.s);
  if (guards.length === 0) return;
  if (via !== 'a read of shared state') {
    const k = ctx.call(via);
    // Fresh memory, a reference returned to us, a lock call: nothing here is borrowed from the lock.
    if (k.lock || (k.refs ?? []).some((r) => r.kind === 'alloc' || r.kind === 'returnsRef' || r.kind === 'get')) return;
  }
  if (b.s.refs.some((r) => r.obj === name)) return;
  const lock = b.s.locks.find((l) => l.id === guards[guards.length - 1])!;
  const mark: DeadObject = {
    obj: name, display: name, api: via, site: rangeOf(op.node), how: 'guarded', guards,
    endedBy: lock.display,
  };
  b.s.dead = [...b.s.dead.filter((d) => d.obj !== name), mark];
}

/** A release of `id`: pointers it alone kept valid are unprotected from here on. */
export function endProtection(s: AbsState, id: string, display: string, range: SourceRange): void {
  if (!s.dead.some((d) => d.how === 'guarded' && d.guards?.includes(id))) return;
  const held = new Set(s.locks.map((l) => l.id));
  s.dead = s.dead.map((d) => {
    if (d.how !== 'guarded' || !d.guards?.includes(id)) return d;
    const rest = d.guards.filter((g) => g !== id && held.has(g));
    if (rest.length > 0) return { ...d, guards: rest };
    return { ...d, how: 'unlocked' as const, guards: undefined, endedBy: display, endedAt: range };
  });
}

/** Passed to a call that unlinks, keeps or references it while still protected: the watch ends. */
export function handOffProtected(ctx: FnContext, s: AbsState, callee: string, argText: string): void {
  if (!s.dead.some((d) => d.how === 'guarded')) return;
  if (callee && !HANDS_OFF.test(callee) && !ctx.index.unlinks.has(callee) && !COUNT_FIELD.test(argText)) return;
  const t = stripCasts(argText);
  s.dead = s.dead.filter((d) => !(d.how === 'guarded' && (t === d.obj || t.startsWith(`&${d.obj}->`) || t.startsWith(`${d.obj}->`))));
}

/** Marks about lock protection and RCU unlinks, which reference bookkeeping (puts, summaries) must not read as puts. */
export function isProtectionMark(d: DeadObject): boolean {
  return d.how === 'guarded' || d.how === 'unlocked' || d.how === 'unlinked' || d.how === 'view' || d.how === 'stale';
}
