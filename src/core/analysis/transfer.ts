import type { SyntaxNode as Node } from '../c/syntax';
import type { LockApi, LockMode } from '../apis/types';
import { rangeOf, type SourceRange } from '../source';
import type { EventSink } from './events';
import { identifiersOf, lockIdentity, normalizeLvalue, ownerOf, parameterize, rootVariable, squash, substituteParams } from './exprs';
import type { KnowledgeIndex } from './knowledgeIndex';
import type { Op } from './ops';
import { slotOfCall } from './opsTables';
import { onceApi, onceLock } from './onceLocks';
import type { OnceApi } from '../apis/onceCalls';
import type { AcquiredLock, FunctionSummary, LockEffect, LockOrderEdge, SummaryTable } from './types';
import type { CallKnowledge } from './callKnowledge';
import { applyRefOp } from './refTransfer';
import { resultOf, withResult, type CallResults } from './callResults';
import { endProtection, noteReached } from './protection';
import { notePacketView } from './packetViews';
import { checkGuarded } from './guardedFields';
import { heldNamed } from './heldAlike';
import type { HeldAtNodes } from './fieldAccesses';
import { addTrail, cloneState, findLock, getFact, holdsError, killFacts, setFact, type AbsState, type HeldLock, type Truth } from './state';
import { isCountBump, noteUnconditionalRef } from './tryRef';
import { checkAcquireContext, type LockVariantUse } from './lockContext';
import { plainName } from './lockNames';
import { constantTruth, isErrorConstant, literalTruth, opposite } from './truth';

/** Per-function facts the transfer functions need. */
export interface FnContext {
  uri: string;
  fnName: string;
  params: string[];
  index: KnowledgeIndex;
  summaries: SummaryTable;
  /** Lock identities this function acquires somewhere (release-unheld is only said of these). */
  acquiredInBody: Set<string>;
  sink: EventSink;
  lockOrder: LockOrderEdge[];
  lockOrderSeen: Set<string>;
  /**
   * How many condition nodes read each variable / each pure condition text. A fact nobody tests
   * again would only split states, so facts are kept only for what later conditions read.
   */
  condVars: Map<string, number>;
  condTexts: Map<string, number>;
  /** Lock class of an identity (lockClass.ts). */
  classOf: (id: string) => string;
  /** Whether a variable is declared with a scalar type (lockClass.ts). */
  isScalar: (name: string) => boolean;
  /** Other spellings of a lock identity through locals assigned once (lockClass.ts). */
  spellings: (id: string) => string[];
  touchedLocks: Set<string>;
  touchedRefs: Set<string>;
  /** Locks this function took and released on some path (a try-wrapper never releases its lock itself). */
  releasedHere: Set<string>;
  /** What a call by this name does (body summary or API knowledge: callKnowledge.ts). */
  call: (name: string) => CallKnowledge;
  /** A lock identity in this file's terms: file-scope `static` variables get their file (`mutex@lib/seq.c`). */
  qualify: (id: string) => string;
  /** Locks taken by blocking acquires here or inside callees (the summary's `acquires`). */
  blocking: Map<string, AcquiredLock>;
  /** CFG nodes where each lock is acquired (which releases an acquire can reach). */
  acquireNodes: Map<string, Set<number>>;
  /** Whether a name is declared in this function's body (not a parameter). */
  isLocal: (name: string) => boolean;
  /** Objects some path puts (a function that puts what it got manages that reference: its other exits leak). */
  putObjects: Set<string>;
  /** Follow allocations as owned memory (leaks, frees of the wrong family). */
  trackAllocations: boolean;
  /** Local arrays of pointers, whose elements may hold allocations (ownedArrays.ts). */
  localArrays?: ReadonlySet<string>;
  /** Calls that only lend an owned parameter (ownedParams.ts), by node id. */
  lendingCalls?: ReadonlySet<number>;
  /** Owned parameters some path consumed through a known consumer or a consuming callee, and where. */
  ownedConsumed?: Map<string, { api: string; site: SourceRange }>;
  /** Locks callees need that this function never takes: its callers must hold them (requiredLocks). */
  needs: Map<string, LockEffect>;
  /** Field names some struct declares guarded (guardedFields.ts). */
  guardedFields: ReadonlySet<string>;
  /** The body reads packet-buffer pointers (packetViews.ts): track them. */
  packetViews: boolean;
  /** Whether a variable points to a reference-counted object (its struct has a count): a lock alone keeps it valid. */
  managed: (name: string) => boolean;
  /** Linux spin/rw lock acquires by variant, for context-mismatch across the inputs (lockContext.ts). */
  lockVariants?: LockVariantUse[];
  /** Objects of the variable's type outlive an unlock until this thread quiesces (graceFreed.ts). */
  graceFreed: (name: string) => boolean;
  /** The locks held at each CFG node on every path (fieldAccesses.ts: inferred guards). */
  heldAt?: HeldAtNodes;
}

/** A state plus what the current node's calls returned (by AST node id), while a node is evaluated. */
export interface Branch {
  s: AbsState;
  env: CallResults;
}

function argText(args: Node[], i: number): string | undefined {
  return args[i]?.text;
}

/** Resolves the lock an API call names, or undefined when it cannot. */
function lockOfCall(ctx: FnContext, api: LockApi, args: Node[]): { id: string; display: string } | undefined {
  const argTexts = args.map((a) => a.text);
  if (api.lockExpr) {
    const text = substituteParams(api.lockExpr, argTexts);
    if (text === null) return undefined;
    return { id: ctx.qualify(lockIdentity(text, api.byValue === true)), display: text };
  }
  if (api.lockArg < 0) {
    if (api.implicitLock) return { id: api.implicitLock, display: api.implicitLock };
    return undefined;
  }
  const a = argText(args, api.lockArg);
  if (a === undefined) return undefined;
  return { id: ctx.qualify(lockIdentity(a, api.byValue === true)), display: squash(a) };
}

function handleOf(api: LockApi, args: Node[], call: Node): string | undefined {
  if (api.handleFromReturn) {
    const parent = call.parent;
    if (parent?.type === 'assignment_expression') return normalizeLvalue(parent.childForFieldName('left')?.text ?? '');
    if (parent?.type === 'init_declarator') return normalizeLvalue(parent.childForFieldName('declarator')?.text ?? '');
    return undefined;
  }
  if (api.handleArg === undefined) return undefined;
  const h = argText(args, api.handleArg);
  if (h === undefined) return undefined;
  const t = normalizeLvalue(h);
  return t.startsWith('&') ? normalizeLvalue(t.slice(1)) : t;
}

function modeOf(api: LockApi, args: Node[]): LockMode {
  if (api.modeArg !== undefined) {
    const a = argText(args, api.modeArg);
    const t = a !== undefined ? literalTruth(a) : undefined;
    return t === 'zero' ? 'shared' : 'exclusive';
  }
  return api.mode ?? 'exclusive';
}

export function recordOrder(ctx: FnContext, held: readonly HeldLock[], id: string, range: SourceRange, display = id, via?: string): void {
  const second = ctx.classOf(id);
  for (const h of held) {
    if (h.id === id || h.family === 'rcu' || h.family === 'srcu' || h.fromEntry) continue;
    const first = ctx.classOf(h.id);
    if (first === second) continue;
    const k = `${first}->${second}`;
    if (ctx.lockOrderSeen.has(k)) continue;
    ctx.lockOrderSeen.add(k);
    ctx.lockOrder.push({ first, second, firstDisplay: h.display, secondDisplay: display, via, uri: ctx.uri, functionName: ctx.fnName, firstRange: h.site, secondRange: range });
  }
}

export interface AcquireSpec {
  id: string;
  display: string;
  mode: LockMode;
  family: string;
  variant: string;
  handle?: string;
  api: string;
  recursive: boolean;
  /** Read holds may not nest (writer-preferring rwlocks): a second read acquire can wait behind a writer. */
  readNestingDeadlocks?: boolean;
  args?: string[];
}

/**
 * Records a lock this function takes (itself or inside a callee) for its summary, with the truths
 * of parameters common to every path that takes it (the acquire's guard).
 */
function noteBlocking(ctx: FnContext, s: AbsState, lock: AcquiredLock): void {
  const facts: { param: number; truth: 'zero' | 'nonzero' }[] = [];
  ctx.params.forEach((p, i) => {
    const t = p ? getFact(s, p) : undefined;
    if (t) facts.push({ param: i, truth: t });
  });
  const seen = ctx.blocking.get(lock.lock);
  if (!seen) {
    ctx.blocking.set(lock.lock, { ...lock, guard: [...(lock.guard ?? []), ...facts] });
    return;
  }
  // Guards that hold on every path taking it; anything else is a may-acquire with no guard.
  const guard = (seen.guard ?? []).filter((g) => facts.some((f) => f.param === g.param && f.truth === g.truth) || (lock.guard ?? []).some((f) => f.param === g.param && f.truth === g.truth));
  // The shortest chain names it (ties: the first in name order), not the first path explored: in a
  // recursive group that path changes with the callees' summaries, and the summaries would not settle.
  const shorter = shorterChain(lock.chain, seen.chain);
  if (guard.length !== (seen.guard ?? []).length || shorter) ctx.blocking.set(lock.lock, { ...seen, guard, ...(shorter ? { chain: lock.chain } : {}) });
}

function shorterChain(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return a.length < b.length;
  return a.join('\u0000') < b.join('\u0000');
}

/** Returns false when the acquire deadlocks this path (it cannot go on). */
export function doAcquire(ctx: FnContext, nodeId: number, b: Branch, spec: AcquireSpec, range: SourceRange, checkDouble: boolean): boolean {
  ctx.touchedLocks.add(spec.id);
  if (checkDouble) {
    noteBlocking(ctx, b.s, { lock: spec.id, mode: spec.mode, family: spec.family, recursive: spec.recursive || undefined, readNestingDeadlocks: spec.readNestingDeadlocks || undefined, chain: [] });
  }
  const held = findLock(b.s, spec.id);
  // A try-acquire cannot wait, so it cannot close a deadlock cycle: no order edge.
  if (checkDouble) recordOrder(ctx, b.s.locks, spec.id, range, spec.display);
  if (held) {
    // Read-to-write upgrade deadlocks even on locks that are otherwise recursive (NDIS RW, ERESOURCE).
    const upgrade = held.mode === 'shared' && spec.mode === 'exclusive';
    if (!upgrade && (spec.recursive || (held.mode === 'shared' && spec.mode === 'shared' && !spec.readNestingDeadlocks))) {
      // Lock objects are shared between states (cloneState copies the list, not the locks): replace, never edit.
      const depth = Math.min(held.depth + 1, 3);
      const moreHandles = spec.handle !== undefined && depth <= 3 ? [...(held.moreHandles ?? []), spec.handle] : held.moreHandles;
      b.s.locks = b.s.locks.map((l) => (l === held ? { ...held, depth, moreHandles } : l));
      return true;
    }
    if (!checkDouble) return true; // a try-acquire of a held lock just fails
    ctx.sink.add(nodeId, spec.id, { kind: 'double-acquire', lock: { ...held }, api: spec.api, range, trail: b.s.trail });
    return false;
  }
  b.s.locks = [...b.s.locks, {
    id: spec.id, display: spec.display, mode: spec.mode, family: spec.family, variant: spec.variant,
    handle: spec.handle, api: spec.api, site: range, fromEntry: false, depth: 1, args: spec.args,
  }];
  if (b.s.forgotten.includes(spec.id)) b.s.forgotten = b.s.forgotten.filter((f) => f !== spec.id);
  let nodes = ctx.acquireNodes.get(spec.id);
  if (!nodes) ctx.acquireNodes.set(spec.id, (nodes = new Set()));
  nodes.add(nodeId);
  // A lock taken through a summarised wrapper may be spelt differently from the body's own calls.
  ctx.acquiredInBody.add(spec.id);
  addTrail(b.s, range, `\`${spec.display}\` taken (${spec.api})`);
  return true;
}

export interface ReleaseSpec {
  id?: string;
  display: string;
  family: string;
  variant?: string;
  mode?: LockMode;
  handle?: string;
  api: string;
  /** A callee that tears the lock down on some path (LockEffect.teardown). */
  teardown?: boolean;
}

export function doRelease(ctx: FnContext, nodeId: number, b: Branch, spec: ReleaseSpec, range: SourceRange): void {
  let held = spec.id !== undefined ? findLock(b.s, spec.id) : undefined;
  if (!held && spec.id === undefined && spec.handle !== undefined) held = b.s.locks.find((l) => l.handle === spec.handle);
  const id = spec.id ?? held?.id;
  if (id !== undefined) ctx.touchedLocks.add(id);
  if (!held) {
    if (id === undefined) return; // a handle-only release whose acquire we never saw: nothing to say
    if (b.s.forgotten.includes(id)) return; // taken through a variable that moved on: no longer nameable
    // Taken somewhere in this function and not held here: released twice, or before the acquire
    // (unless no acquire of it can reach this release: then the caller holds it, functionAnalysis.ts).
    if (ctx.acquiredInBody.has(id)) {
      ctx.sink.add(nodeId, id, { kind: 'release-unheld', id, display: spec.display, api: spec.api, range, trail: b.s.trail, node: nodeId });
    } else if (!b.s.releasedFromCaller.includes(id)) {
      // Released without being taken here: the caller holds it (a release wrapper).
      b.s.releasedFromCaller = [...b.s.releasedFromCaller, id];
    } else return;
    // On the path, so a rule can tell which exits dropped the caller's lock (callerRelease.ts); a teardown is not a release.
    if (!spec.teardown) addTrail(b.s, range, `\`${spec.display}\` released (${spec.api})`);
    return;
  }
  const reasons: string[] = [];
  if (held.family !== '*' && spec.family !== '*' && held.family !== spec.family) {
    reasons.push(`it was taken with ${held.api} (${held.family} family), a different lock API`);
  } else if (held.variant !== '*' && spec.variant !== undefined && spec.variant !== '*' && held.variant !== spec.variant) {
    reasons.push(`it was taken with ${held.api} (${held.variant}) and ${spec.api} is the ${spec.variant} form`);
  }
  if (spec.mode !== undefined && held.mode !== spec.mode) {
    reasons.push(`it is held ${held.mode === 'shared' ? 'for reading' : 'for writing'} and ${spec.api} releases a ${spec.mode === 'shared' ? 'read' : 'write'} hold`);
  }
  const nested = held.moreHandles ?? [];
  if (spec.handle !== undefined && held.handle !== undefined && spec.handle !== held.handle && !nested.includes(spec.handle)) {
    reasons.push(`it was taken with handle \`${held.handle}\` and is released with \`${spec.handle}\``);
  }
  if (reasons.length > 0) {
    ctx.sink.add(nodeId, held.id, { kind: 'release-mismatch', lock: { ...held }, api: spec.api, range, reason: reasons.join('; '), trail: b.s.trail });
  }
  if (held.depth > 1) {
    const moreHandles = spec.handle !== undefined && nested.includes(spec.handle) ? nested.filter((h) => h !== spec.handle)
      : nested.length > 0 ? nested.slice(0, -1) : held.moreHandles;
    b.s.locks = b.s.locks.map((l) => (l === held ? { ...held, depth: held.depth - 1, moreHandles } : l));
    return;
  }
  b.s.locks = b.s.locks.filter((l) => l !== held);
  endProtection(b.s, held.id, held.display, range);
  if (!held.fromEntry) ctx.releasedHere.add(held.id);
  else if (!b.s.releasedFromCaller.includes(held.id)) b.s.releasedFromCaller = [...b.s.releasedFromCaller, held.id];
  addTrail(b.s, range, `\`${held.display}\` released (${spec.api})`);
}

/** Applies one op to every branch; returns the branches after it (try-calls fork). */
export function applyOp(ctx: FnContext, nodeId: number, op: Op, branches: Branch[]): Branch[] {
  if (op.op === 'assign') {
    for (const b of branches) assign(ctx, b, op.lhs, op.rhs);
    const out = applyRefOp(ctx, nodeId, op, branches);
    for (const b of out) {
      noteReached(ctx, b, op);
      notePacketView(ctx, b, op.lhs, op.rhs);
    }
    return out;
  }
  if (op.op === 'use') {
    if (ctx.guardedFields.size > 0) for (const b of branches) checkGuarded(ctx, nodeId, b, op.node);
    return applyRefOp(ctx, nodeId, op, branches);
  }
  const out: Branch[] = [];
  const range = rangeOf(op.node);
  const k = ctx.call(op.name);
  const through = op.name === '' ? slotCallee(ctx, op.node) : undefined;
  const once = onceApi(op.name);
  for (const b of branches) {
    if (once) onceCall(ctx, nodeId, b, once, op.args, range);
    if (k.summary) calleeAcquires(ctx, nodeId, b, k.summary, op.args, range);
    else if (through) calleeAcquires(ctx, nodeId, b, through, op.args, range);
    if (k.summary) requiredLocks(ctx, nodeId, b, k.summary, op.args, range);
    // `HMAP_FOR_EACH (q, node, &pmd->poll_list)`: walking a guarded container reads it.
    if (ctx.guardedFields.size > 0 && /FOR_EACH/.test(op.name)) {
      for (const a of op.args) {
        const f = a.type === 'pointer_expression' ? a.childForFieldName('argument') : a;
        if (f?.type === 'field_expression') checkGuarded(ctx, nodeId, b, f, true);
      }
    }
    if (k.lock) out.push(...lockCall(ctx, nodeId, b, k.lock, op.node, op.args, range));
    else if (k.lockEffects.length > 0) out.push(...summaryCall(ctx, nodeId, b, k.lockEffects, op.name, op.args, range, op.node.id));
    else {
      mutatorCheck(ctx, nodeId, b, op.name, op.args, range);
      for (const a of op.args) {
        // Passing `&v` (or `&v.f`) lets the callee change v: what we knew about v is gone. `&v->f`
        // lets it change what v points to, not v.
        if (a.type === 'pointer_expression' && a.text.startsWith('&')) {
          const place = normalizeLvalue(a.text.slice(1));
          const v = rootVariable(place);
          if (v && !/^[A-Za-z_]\w*(\[[^\]]*\])?->/.test(place)) killFacts(b.s, v);
        }
      }
      out.push(b);
    }
  }
  if (k.refs || isCountBump(op.name)) for (const b of out) noteUnconditionalRef(ctx, nodeId, b, op);
  return applyRefOp(ctx, nodeId, op, out);
}


/**
 * A callee whose contract says the caller must hold a lock (`OVS_REQUIRES(m)`, `__must_hold(l)`,
 * `_Requires_lock_held_(l)`), called where this path does not hold it (or holds it only for reading
 * when it must be written): the callee touches what that lock protects with nobody excluding others.
 */
function requiredLocks(ctx: FnContext, nodeId: number, b: Branch, summary: FunctionSummary, args: Node[], range: SourceRange): void {
  const seen = ctx.summaries.contractSeen?.(summary.name) !== false;
  const argTexts = args.map((a) => a.text);
  for (const e of summary.effects) {
    if (e.op !== 'requires' || !((e.source === 'annotation' && seen) || e.needed)) continue;
    const text = substituteParams(e.lock, argTexts);
    if (text === null) continue;
    const id = ctx.qualify(normalizeLvalue(text));
    // A contract names the lock object or the pointer to it (`_Requires_lock_held_(ctx->lock)` with a PNDIS_RW_LOCK_EX).
    const names = id.startsWith('*') ? [id, id.slice(1)] : [id, `*${id}`];
    if (names.some((n) => b.s.forgotten.includes(n))) continue;
    const held = heldNamed(ctx, b.s, id);
    if (held && !(e.mode === 'exclusive' && held.mode === 'shared')) continue;
    const event = { kind: 'unlocked-call' as const, callee: summary.name, lock: plainName(text), mode: e.mode, heldShared: held !== undefined, via: e.needed ? e.via : undefined, range, trail: b.s.trail };
    // A lock this function never takes and can name (a parameter's, a global): the requirement is
    // its own precondition too, checked at its callers (a helper only locked callers call is
    // quiet); said here only if nothing in the inputs calls this function (an entry point,
    // a callback). A function that takes the lock elsewhere knows it and should hold it here.
    const root = rootVariable(id.replace(/^\*/, ''));
    const nameable = root !== null && !ctx.isLocal(root);
    if (!held && !ctx.acquiredInBody.has(id) && nameable) {
      const lock = parameterize(id, ctx.params);
      if (!ctx.needs.has(lock)) ctx.needs.set(lock, { lock, op: 'requires', mode: e.mode, family: '*', variant: '*', source: 'inferred', needed: true, via: e.via ?? summary.name });
      // A requirement read through a chain of unannotated helpers is weaker evidence than the
      // contract itself: only the contract's own callers are reported as entry points.
      if (!e.needed) ctx.sink.add(nodeId, `${summary.name}:${id}`, { ...event, entryOnly: true });
      continue;
    }
    // Through a chain of helpers, and named through this function's locals only: nothing to say.
    if (e.needed && !held && !ctx.acquiredInBody.has(id)) continue;
    ctx.sink.add(nodeId, `${summary.name}:${id}`, event);
  }
}

/**
 * The locks a callee takes inside (and releases again): an order edge from each lock held here,
 * and a self-deadlock when one of them is held already (`log_fatal()` called with the log mutex
 * held, whose logging path locks it again). The finding names the chain of calls.
 */
function calleeAcquires(ctx: FnContext, nodeId: number, b: Branch, summary: FunctionSummary, args: Node[], range: SourceRange): void {
  if (summary.acquires.length === 0) return;
  const argTexts = args.map((a) => a.text);
  for (const inner of summary.acquires) {
    const guard = guardHere(ctx, b.s, inner, argTexts);
    if (guard === null) continue; // this call's arguments rule the acquire out
    const text = substituteParams(inner.lock, argTexts);
    if (!text) continue;
    const id = ctx.qualify(normalizeLvalue(text));
    const via = [summary.name, ...inner.chain];
    if (via.length <= 6 && isNameable(ctx, id)) noteBlocking(ctx, b.s, { ...inner, lock: id, chain: via, guard });
    if (b.s.locks.length === 0) continue;
    recordOrder(ctx, b.s.locks, id, range, plainName(text), via.join(' → '));
    const held = findLock(b.s, id);
    if (!held || inner.recursive) continue;
    if (held.mode === 'shared' && inner.mode === 'shared' && !inner.readNestingDeadlocks) continue;
    ctx.sink.add(nodeId, id, { kind: 'double-acquire', lock: { ...held }, api: via.join(' → '), range, trail: b.s.trail, via });
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
function onceCall(ctx: FnContext, nodeId: number, b: Branch, api: OnceApi, args: Node[], range: SourceRange): void {
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

function lockCall(ctx: FnContext, nodeId: number, b: Branch, api: LockApi, call: Node, args: Node[], range: SourceRange): Branch[] {
  const lock = lockOfCall(ctx, api, args);
  const handle = handleOf(api, args, call);
  if (api.kind === 'destroy') {
    if (!lock) return [b];
    const held = findLock(b.s, lock.id);
    // Torn down: nobody holds it now. Not held here, it was the caller's (a destructor's callee).
    if (held) b.s.locks = b.s.locks.filter((l) => l !== held);
    else if (!b.s.releasedFromCaller.includes(lock.id) && !ctx.acquiredInBody.has(lock.id)) b.s.releasedFromCaller = [...b.s.releasedFromCaller, lock.id];
    return [b];
  }
  if (api.kind === 'release') {
    if (!lock && !(api.lockFromHandle && handle)) return [b];
    doRelease(ctx, nodeId, b, {
      id: lock?.id, display: lock?.display ?? handle ?? api.name, family: api.family, variant: api.variant ?? 'plain',
      mode: api.mode, handle, api: api.name,
    }, range);
    return [b];
  }
  if (!lock) return [b];
  if (api.kind === 'acquire') checkAcquireContext(ctx, nodeId, b, api, call, args, range, lock.display, lock.id);
  const spec: AcquireSpec = {
    id: lock.id, display: lock.display, mode: modeOf(api, args), family: api.family, variant: api.variant ?? 'plain',
    handle, api: api.name, recursive: api.recursive === true || ctx.summaries.isRecursiveLock?.(lock.id) === true,
    readNestingDeadlocks: api.readNestingDeadlocks, args: args.map((a) => a.text),
  };
  let isTry = api.kind === 'tryacquire';
  if (api.waitArg !== undefined) {
    const w = argText(args, api.waitArg);
    isTry = w !== undefined && literalTruth(w) === 'zero';
  }
  if (!isTry) return doAcquire(ctx, nodeId, b, spec, range, true) ? [b] : [];
  const success = api.trySuccess ?? 'nonzero';
  const ok: Branch = { s: cloneState(b.s), env: withResult(b.env, call.id, success) };
  doAcquire(ctx, nodeId, ok, spec, range, false);
  const fail: Branch = { s: b.s, env: withResult(b.env, call.id, opposite(success)) };
  ctx.touchedLocks.add(lock.id);
  return [ok, fail];
}

function summaryCall(ctx: FnContext, nodeId: number, b: Branch, effects: LockEffect[], name: string, args: Node[], range: SourceRange, callId: number): Branch[] {
  const argTexts = args.map((a) => a.text);
  let branches: Branch[] = [b];
  for (const e of effects) {
    if (e.op === 'requires') continue;
    const text = substituteParams(e.lock, argTexts);
    if (text === null) continue;
    const id = ctx.qualify(normalizeLvalue(text));
    if (e.op === 'release' && e.when) {
      branches = conditionalRelease(ctx, nodeId, branches, { id, display: plainName(text), family: e.family ?? '*', variant: e.variant, api: name }, e.when, range, callId);
      continue;
    }
    if (e.op === 'release') {
      for (const x of branches) doRelease(ctx, nodeId, x, { id, display: plainName(text), family: e.family ?? '*', variant: e.variant, api: name, teardown: e.teardown }, range);
      continue;
    }
    const spec: AcquireSpec = { id, display: plainName(text), mode: e.mode ?? 'exclusive', family: e.family ?? '*', variant: e.variant ?? '*', api: name, recursive: ctx.summaries.isRecursiveLock?.(id) === true, args: argTexts };
    if (e.op === 'acquire') {
      branches = branches.filter((x) => doAcquire(ctx, nodeId, x, spec, range, true));
      continue;
    }
    const success = e.trySuccess ?? 'nonzero';
    const next: Branch[] = [];
    for (const x of branches) {
      const ok: Branch = { s: cloneState(x.s), env: withResult(x.env, callId, success) };
      doAcquire(ctx, nodeId, ok, spec, range, false);
      x.env = withResult(x.env, callId, opposite(success));
      next.push(ok, x);
    }
    branches = next;
  }
  return branches;
}

/** A callee that releases the lock only when it returns `when`: one branch per outcome (a result already decided picks its branch). */
function conditionalRelease(ctx: FnContext, nodeId: number, branches: Branch[], spec: ReleaseSpec, when: Truth, range: SourceRange, callId: number): Branch[] {
  const next: Branch[] = [];
  for (const x of branches) {
    const known = resultOf(x.env, callId);
    if (known !== undefined) {
      if (known === when) doRelease(ctx, nodeId, x, spec, range);
      next.push(x);
      continue;
    }
    const released: Branch = { s: cloneState(x.s), env: withResult(x.env, callId, when) };
    doRelease(ctx, nodeId, released, spec, range);
    x.env = withResult(x.env, callId, opposite(when));
    next.push(released, x);
  }
  return next;
}

function mutatorCheck(ctx: FnContext, nodeId: number, b: Branch, name: string, args: Node[], range: SourceRange): void {
  const m = ctx.index.mutators.get(name);
  if (!m || b.s.locks.length === 0) return;
  const a = args[m.containerArg];
  if (!a) return;
  const container = ctx.qualify(lockIdentity(a.text, false));
  const owner = ownerOf(container);
  const sameOwner = b.s.locks.filter((l) => ownerOf(l.id) === owner || (owner.startsWith(`${ownerOf(l.id)}->`) && ownerOf(l.id) !== l.id));
  if (sameOwner.length === 0 || sameOwner.some((l) => l.mode === 'exclusive')) return;
  const lock = sameOwner[0]!;
  ctx.sink.add(nodeId, lock.id, { kind: 'write-under-read', lock: { ...lock }, api: name, range, container: squash(a.text), trail: b.s.trail });
}

function assign(ctx: FnContext, b: Branch, lhs: Node, rhs: Node | null): void {
  const name = lhs.type === 'identifier' ? lhs.text : rootVariable(lhs.text);
  if (!name) return;
  killFacts(b.s, name);
  if (lhs.type === 'identifier' && b.s.locks.length > 0) forgetLocksThrough(b.s, name);
  if (lhs.type !== 'identifier' && rhs) {
    // `vport->dev = dev_get_by_name(...)`: the branch that got no reference has NULL there, and a
    // later `if (!vport->dev)` must agree with it.
    const fromCall = resultOf(b.env, unparen(rhs).id);
    if (fromCall) setFact(b.s, { key: `c:${squash(lhs.text)}`, value: fromCall, roots: identifiersOf(lhs.text), readsMemory: true });
    return;
  }
  if (lhs.type !== 'identifier' || !rhs || !ctx.condVars.has(name)) return;
  const r = unparen(rhs);
  const fromCall = resultOf(b.env, r.id);
  const truth = fromCall ?? constantTruth(r.text) ?? (r.type === 'identifier' ? getFact(b.s, r.text) : undefined);
  const error = fromCall === undefined && (isErrorConstant(r.text) || (r.type === 'identifier' && holdsError(b.s, r.text)));
  if (truth) setFact(b.s, error ? { key: name, value: truth, roots: [name], error } : { key: name, value: truth, roots: [name] });
}

/** `slot = next` while `slot->mutex` is held: that lock is held still, but no longer by this name. */
function forgetLocksThrough(s: AbsState, name: string): void {
  const through = s.locks.filter((l) => !l.fromEntry && l.id !== name && rootVariable(l.id) === name);
  if (through.length === 0) return;
  s.locks = s.locks.filter((l) => !through.includes(l));
  s.forgotten = [...s.forgotten, ...through.map((l) => l.id).filter((id) => !s.forgotten.includes(id))];
}

function unparen(n: Node): Node {
  let r = n;
  while ((r.type === 'parenthesized_expression' || r.type === 'cast_expression') && r.namedChildren.length > 0) {
    r = r.type === 'cast_expression' ? r.childForFieldName('value') ?? r : r.namedChildren[0]!;
  }
  return r;
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
