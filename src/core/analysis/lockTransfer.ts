// Lock calls on one path: acquires (double-acquire, lock order), releases (unheld, mismatch), try
// forms, and callees whose summaries take or drop locks.
import type { SyntaxNode as Node } from '../c/syntax';
import type { LockApi, LockMode, ReadNesting } from '../apis/types';
import type { SourceRange } from '../source';
import { lockIdentity, normalizeLvalue, squash, substituteParams } from './exprs';
import type { AcquiredLock, LockEffect } from './types';
import { resultOf, withResult } from './callResults';
import { endProtection } from './protection';
import { addTrail, cloneState, findLock, getFact, type AbsState, type HeldLock, type Truth } from './state';
import { checkAcquireContext } from './lockContext';
import { plainName } from './lockNames';
import { literalTruth, opposite } from './truth';
import type { FnContext, Branch } from './fnContext';
import { releasesBatchElement } from './batchLocks';

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
  const second = ctx.lockClassOf(id);
  for (const h of held) {
    // Locks held on entry count too (`OVS_REQUIRES(conn->lock)` then `lock(&ct->lock)` is conn → ct).
    if (h.id === id || h.family === 'rcu' || h.family === 'srcu') continue;
    const first = ctx.lockClassOf(h.id);
    if (first === second) continue;
    const k = `${first}->${second}`;
    if (ctx.lockOrderSeen.has(k)) continue;
    ctx.lockOrderSeen.add(k);
    ctx.lockOrder.push({
      first, second, firstDisplay: h.display, secondDisplay: display, via, uri: ctx.uri, functionName: ctx.fnName, firstRange: h.site, secondRange: range,
      ...(h.fromEntry ? { firstFromEntry: true } : {}),
    });
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
  /** A second read hold is reported (writer-preferring rwlocks deadlock; NDIS RW holds are redundant). */
  readNesting?: ReadNesting;
  args?: string[];
}

/**
 * Records a lock this function takes (itself or inside a callee) for its summary, with the truths
 * of parameters common to every path that takes it (the acquire's guard).
 */
export function noteBlocking(ctx: FnContext, s: AbsState, lock: AcquiredLock): void {
  const facts: { param: number; truth: 'zero' | 'nonzero' }[] = [];
  ctx.params.forEach((p, i) => {
    const t = p ? getFact(s, p) : undefined;
    if (t) facts.push({ param: i, truth: t });
  });
  const dropped = droppedCallerLocks(s, lock.afterReleasing);
  const seen = ctx.blocking.get(lock.lock);
  if (!seen) {
    ctx.blocking.set(lock.lock, { ...lock, guard: [...(lock.guard ?? []), ...facts], afterReleasing: dropped.length > 0 ? dropped : undefined });
    return;
  }
  // Guards that hold on every path taking it; anything else is a may-acquire with no guard.
  const guard = (seen.guard ?? []).filter((g) => facts.some((f) => f.param === g.param && f.truth === g.truth) || (lock.guard ?? []).some((f) => f.param === g.param && f.truth === g.truth));
  // Likewise the caller's locks dropped first: only those dropped on every path taking it.
  const after = (seen.afterReleasing ?? []).filter((id) => dropped.includes(id));
  // The shortest chain names it (ties: the first in name order), not the first path explored: in a
  // recursive group that path changes with the callees' summaries, and the summaries would not settle.
  const shorter = shorterChain(lock.chain, seen.chain);
  if (guard.length !== (seen.guard ?? []).length || after.length !== (seen.afterReleasing ?? []).length || shorter) {
    ctx.blocking.set(lock.lock, { ...seen, guard, afterReleasing: after.length > 0 ? after : undefined, ...(shorter ? { chain: lock.chain } : {}) });
  }
}

/**
 * The caller's locks not held at this point: those this path released without taking them
 * (held on entry, or the caller's by inference) and has not taken again, with those a callee
 * released first (`inner`, in this function's terms) unless this function holds them itself.
 */
function droppedCallerLocks(s: AbsState, inner: readonly string[] | undefined): string[] {
  const out = new Set(s.releasedFromCaller.filter((id) => !findLock(s, id)));
  for (const id of inner ?? []) {
    const held = findLock(s, id);
    if (!held || held.fromEntry) out.add(id);
  }
  return [...out].sort();
}

function shorterChain(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return a.length < b.length;
  return a.join('\u0000') < b.join('\u0000');
}

/**
 * What taking a lock again does while this path holds it: `nests` (recursive locks, read holds of
 * plain rwlocks), `deadlocks` (non-recursive locks; read → write upgrades even on recursive ones;
 * read holds of writer-preferring rwlocks), or `redundant` (a read hold the API allows but the
 * family reports, `LockApi.readNesting`).
 */
export function nestingOf(heldMode: LockMode, mode: LockMode, recursive: boolean | undefined, readNesting: ReadNesting | undefined): 'nests' | 'deadlocks' | 'redundant' {
  if (heldMode === 'shared' && mode === 'exclusive') return 'deadlocks';
  if (heldMode === 'shared' && mode === 'shared') return readNesting ?? 'nests';
  return recursive ? 'nests' : 'deadlocks';
}

/** Returns false when the acquire deadlocks this path (it cannot go on). */
export function doAcquire(ctx: FnContext, nodeId: number, b: Branch, spec: AcquireSpec, range: SourceRange, checkDouble: boolean): boolean {
  ctx.touchedLocks.add(spec.id);
  if (checkDouble) {
    noteBlocking(ctx, b.s, { lock: spec.id, mode: spec.mode, family: spec.family, recursive: spec.recursive || undefined, readNesting: spec.readNesting, chain: [] });
  }
  const held = findLock(b.s, spec.id);
  // A try-acquire cannot wait, so it cannot close a deadlock cycle: no order edge.
  if (checkDouble) recordOrder(ctx, b.s.locks, spec.id, range, spec.display);
  if (held) {
    const nesting = nestingOf(held.mode, spec.mode, spec.recursive, spec.readNesting);
    if (nesting === 'redundant' && checkDouble) {
      // Allowed, but reported (a redundant NDIS read hold): the path goes on holding it twice.
      ctx.sink.add(nodeId, spec.id, { kind: 'double-acquire', lock: { ...held }, api: spec.api, range, trail: b.s.trail, mode: spec.mode, readNesting: nesting });
    }
    if (nesting !== 'deadlocks') {
      // Lock objects are shared between states (cloneState copies the list, not the locks): replace, never edit.
      const depth = Math.min(held.depth + 1, 3);
      const moreHandles = spec.handle !== undefined && depth <= 3 ? [...(held.moreHandles ?? []), spec.handle] : held.moreHandles;
      b.s.locks = b.s.locks.map((l) => (l === held ? { ...held, depth, moreHandles } : l));
      return true;
    }
    if (!checkDouble) return true; // a try-acquire of a held lock just fails
    ctx.sink.add(nodeId, spec.id, { kind: 'double-acquire', lock: { ...held }, api: spec.api, range, trail: b.s.trail, mode: spec.mode, readNesting: spec.readNesting });
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
    // One element of a batch locked in an earlier loop (batchLocks.ts).
    if (ctx.batches && releasesBatchElement(id, ctx.acquiredInBody, ctx.batches)) return;
    // Taken somewhere in this function and not held here: released twice, or before the acquire
    // (unless no acquire of it can reach this release: then the caller holds it, entryLocks.ts callersLocks).
    if (ctx.acquiredInBody.has(id)) {
      // A callee that tears the lock down (`ovs_mutex_destroy` in a destructor) once this function let go of it: nothing released twice.
      if (spec.teardown) return;
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

export function lockCall(ctx: FnContext, nodeId: number, b: Branch, api: LockApi, call: Node, args: Node[], range: SourceRange): Branch[] {
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
    readNesting: api.readNesting, args: args.map((a) => a.text),
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

export function summaryCall(ctx: FnContext, nodeId: number, b: Branch, effects: LockEffect[], name: string, args: Node[], range: SourceRange, callId: number): Branch[] {
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
