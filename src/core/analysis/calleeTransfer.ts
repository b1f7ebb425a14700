// What a call does beyond its own lock effects: the locks a callee requires or takes inside, once
// objects, and calls that never return.
import type { SyntaxNode as Node } from '../c/syntax';
import { rangeOf, type SourceRange } from '../source';
import { normalizeLvalue, parameterize, rootVariable, substituteParams } from './exprs';
import type { Op } from './ops';
import { slotOfCall } from './opsTables';
import { onceLock } from './onceLocks';
import type { OnceApi } from '../apis/onceCalls';
import type { AcquiredLock, FunctionSummary, LockEffect } from './types';
import { heldNamed } from './heldAlike';
import { findLock, getFact, type AbsState } from './state';
import { plainName } from './lockNames';
import { literalTruth } from './truth';
import type { FnContext, Branch } from './fnContext';
import { recordOrder, noteBlocking, nestingOf } from './lockTransfer';

/**
 * A callee whose contract says the caller must hold a lock (`OVS_REQUIRES(m)`, `__must_hold(l)`,
 * `_Requires_lock_held_(l)`), called where this path does not hold it (or holds it only for reading
 * when it must be written): the callee touches what that lock protects with nobody excluding others.
 */
export function requiredLocks(ctx: FnContext, nodeId: number, b: Branch, summary: FunctionSummary, args: Node[], range: SourceRange): void {
  const seen = ctx.summaries.contractSeen?.(summary.name) !== false;
  const argTexts = args.map((a) => a.text);
  for (const e of summary.effects) {
    // A lock that is a file-scope static of the callee's own file: only that file can take it, so a
    // caller elsewhere cannot hold it and cannot pass the requirement up (seen or not, it is broken here).
    const foreign = e.op === 'requires' && e.source === 'annotation' && !e.orAnyLock && isForeignStatic(ctx, summary.name, e.lock);
    if (e.op !== 'requires' || !((e.source === 'annotation' && (seen || foreign)) || e.needed)) continue;
    if (e.orAnyLock) {
      readSideRequired(ctx, nodeId, b, summary, e, range);
      continue;
    }
    const text = substituteParams(e.lock, argTexts);
    if (text === null) continue;
    const id = ctx.qualify(normalizeLvalue(text));
    // A contract names the lock object or the pointer to it (`_Requires_lock_held_(ctx->lock)` with a PNDIS_RW_LOCK_EX).
    const names = id.startsWith('*') ? [id, id.slice(1)] : [id, `*${id}`];
    if (names.some((n) => b.s.forgotten.includes(n))) continue;
    const held = heldNamed(ctx, b.s, id);
    if (held && !(e.mode === 'exclusive' && held.mode === 'shared')) continue;
    const event = { kind: 'unlocked-call' as const, callee: summary.name, lock: plainName(text), mode: e.mode, heldShared: held !== undefined, via: e.needed ? e.via : undefined, range, trail: b.s.trail, ...(foreign ? { foreignFile: summary.uri } : {}) };
    // A lock this function never takes and can name (a parameter's, a global): the requirement is
    // its own precondition too, checked at its callers (a helper only locked callers call is
    // quiet); said here only if nothing in the inputs calls this function (an entry point,
    // a callback). A function that takes the lock elsewhere knows it and should hold it here.
    const root = rootVariable(id.replace(/^\*/, ''));
    const nameable = root !== null && !ctx.isLocal(root) && !foreign;
    if (!held && !ctx.acquiredInBody.has(id) && nameable) {
      const lock = parameterize(id, ctx.params);
      if (!ctx.needs.has(lock)) ctx.needs.set(lock, { lock, op: 'requires', mode: e.mode, family: '*', variant: '*', source: 'inferred', needed: true, via: e.via ?? summary.name, ...(e.weak ? { weak: true } : {}) });
      // A requirement read through a chain of unannotated helpers is weaker evidence than the
      // contract itself: only the contract's own callers are reported as entry points; both are
      // reported where the function's registered context holds nothing (executionContexts.ts).
      ctx.sink.add(nodeId, `${summary.name}:${id}`, e.needed ? { ...event, contextOnly: true } : { ...event, entryOnly: true });
      continue;
    }
    // Read from an accessor deep in some body: said only where a registered context holds nothing
    // (a function that takes the lock on other paths may be on a path where nothing is shared yet).
    if (e.weak) {
      if (nameable) ctx.sink.add(nodeId, `${summary.name}:${id}`, { ...event, contextOnly: true });
      continue;
    }
    // Through a chain of helpers, and named through this function's locals only: nothing to say.
    if (e.needed && !held && !ctx.acquiredInBody.has(id)) continue;
    ctx.sink.add(nodeId, `${summary.name}:${id}`, event);
  }
}

/**
 * A callee that reads RCU-published pointers with `rcu_dereference()` and holds nothing itself
 * (heldPredicates.ts): an RCU read section or any lock held here meets it (code older than
 * lockdep-RCU read under the update-side lock with the same call). Otherwise it is this
 * function's precondition too — never said here (its callers may hold a lock), only where a
 * registered execution context holds nothing.
 */
function readSideRequired(ctx: FnContext, nodeId: number, b: Branch, summary: FunctionSummary, e: LockEffect, range: SourceRange): void {
  // A lock taken through a name since reassigned (`dp = get_dp_locked(i)` returns `dp->mutex` held) is still some lock.
  if (b.s.locks.length > 0 || b.s.forgotten.length > 0) return;
  const via = e.via ?? summary.name;
  if (!ctx.needs.has(e.lock)) ctx.needs.set(e.lock, { lock: e.lock, op: 'requires', mode: 'shared', family: '*', variant: '*', source: 'inferred', needed: true, via, orAnyLock: true });
  ctx.sink.add(nodeId, `${summary.name}:${e.lock}`, { kind: 'unlocked-call', callee: summary.name, lock: e.lock, heldShared: false, via, anyLock: true, contextOnly: true, range, trail: b.s.trail });
}

/**
 * The locks a callee takes inside (and releases again): an order edge from each lock held here,
 * and a self-deadlock when one of them is held already (`log_fatal()` called with the log mutex
 * held, whose logging path locks it again). The finding names the chain of calls.
 */
export function calleeAcquires(ctx: FnContext, nodeId: number, b: Branch, summary: FunctionSummary, args: Node[], range: SourceRange): void {
  if (summary.acquires.length === 0) return;
  const argTexts = args.map((a) => a.text);
  for (const inner of summary.acquires) {
    const guard = guardHere(ctx, b.s, inner, argTexts);
    if (guard === null) continue; // this call's arguments rule the acquire out
    const text = substituteParams(inner.lock, argTexts);
    if (!text) continue;
    const id = ctx.qualify(normalizeLvalue(text));
    const via = [summary.name, ...inner.chain];
    // Locks held here that the callee releases before it takes this one are not held then.
    const dropped = (inner.afterReleasing ?? []).flatMap((l) => {
      const t = substituteParams(l, argTexts);
      return t ? [ctx.qualify(normalizeLvalue(t))] : [];
    });
    if (via.length <= 6 && isNameable(ctx, id)) noteBlocking(ctx, b.s, { ...inner, lock: id, chain: via, guard, afterReleasing: dropped });
    const holding = dropped.length > 0 ? b.s.locks.filter((l) => !dropped.includes(l.id)) : b.s.locks;
    if (holding.length === 0) continue;
    recordOrder(ctx, holding, id, range, plainName(text), via.join(' → '));
    const held = holding.find((l) => l.id === id);
    if (!held) continue;
    const nesting = nestingOf(held.mode, inner.mode, inner.recursive, inner.readNesting);
    if (nesting === 'nests') continue;
    ctx.sink.add(nodeId, id, { kind: 'double-acquire', lock: { ...held }, api: via.join(' → '), range, trail: b.s.trail, via, mode: inner.mode, readNesting: inner.readNesting });
  }
}

/** What a call through an operations-table slot may do (opsTables.ts): its implementations' acquires. */
export function slotCallee(ctx: FnContext, call: Node): FunctionSummary | undefined {
  const slot = slotOfCall(call);
  if (!slot) return undefined;
  const cls = ctx.classOf(normalizeLvalue(slot.text));
  return ctx.summaries.fn(cls.includes('::') ? `->${cls}` : `->${slot.member}`);
}

/**
 * `pthread_once(&once, init)` (onceLocks.ts): waiting for the once object is an acquire for lock
 * order, and `init` runs under it (its locks are taken while holding the once object).
 */
export function onceCall(ctx: FnContext, nodeId: number, b: Branch, api: OnceApi, args: Node[], range: SourceRange): void {
  const arg = args[api.onceArg];
  const lock = arg ? onceLock(arg, ctx.fnName, ctx.uri, ctx.isLocal, ctx.qualify) : undefined;
  if (!lock) return;
  recordOrder(ctx, b.s.locks, lock.id, range, lock.display);
  noteBlocking(ctx, b.s, { lock: lock.id, mode: 'exclusive', family: 'once', chain: [] });
  const fn = args[api.fnArg]?.text.replace(/^&\s*/, '');
  const init = fn && /^[A-Za-z_]\w*$/.test(fn) ? ctx.call(fn).summary : undefined;
  if (!init || findLock(b.s, lock.id)) return;
  const held = b.s.locks;
  b.s.locks = [...held, { id: lock.id, display: lock.display, mode: 'exclusive', family: 'once', variant: 'plain', api: api.name, site: range, fromEntry: false, depth: 1 }];
  calleeAcquires(ctx, nodeId, b, init, [], range);
  b.s.locks = held;
}

/**
 * A call that never returns (`log_fatal(...)`) still runs until it stops: the locks it takes on
 * the way are order edges and self-deadlocks like any callee's. Nothing else of it matters.
 */
export function noReturnCalls(ctx: FnContext, nodeId: number, ops: readonly Op[], s: AbsState): void {
  for (const op of ops) {
    if (op.op !== 'call') continue;
    const summary = ctx.call(op.name).summary;
    if (summary) calleeAcquires(ctx, nodeId, { s, env: null }, summary, op.args, rangeOf(op.node));
  }
}

/**
 * A callee's acquire guard in this call's terms: null when an argument rules it out (`flush(p,
 * true)` for an acquire taken only when its second parameter is false), else what is left of it
 * over this function's own parameters.
 */
function guardHere(ctx: FnContext, s: AbsState, inner: AcquiredLock, args: string[]): AcquiredLock['guard'] | null {
  const out: NonNullable<AcquiredLock['guard']> = [];
  for (const g of inner.guard ?? []) {
    const arg = args[g.param];
    if (arg === undefined) continue;
    const t = literalTruth(arg) ?? getFact(s, arg.trim());
    if (t !== undefined) {
      if (t !== g.truth) return null;
      continue;
    }
    const i = ctx.params.indexOf(arg.trim());
    if (i >= 0) out.push({ param: i, truth: g.truth });
  }
  return out;
}

/** Only what callers can name travels in a summary: parameters' locks and globals, not locals. */
function isNameable(ctx: FnContext, id: string): boolean {
  const root = /^\*?([A-Za-z_]\w*)/.exec(id)?.[1];
  return root === undefined || ctx.params.includes(root) || !ctx.isLocal(root);
}

/** The contract's lock is a `static` of the callee's file, which is not this one. */
function isForeignStatic(ctx: FnContext, callee: string, lock: string): boolean {
  const root = rootVariable(lock.replace(/^[*&]/, ''));
  return root !== null && ctx.summaries.requiresForeignStatic?.(callee, root) === true;
}
