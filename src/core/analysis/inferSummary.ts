import { paramDrop } from './fieldDrops';
import type { SyntaxNode as Node } from '../c/syntax';
import type { CallKnowledge } from './callKnowledge';
import type { ExitInfo } from './explore';
import { normalizeLvalue, parameterize, squash, stripCasts } from './exprs';
import { negativeKey } from './idHandles';
import { isErrorConstant, literalTruth } from './truth';
import type { FunctionAnalysis } from './functionAnalysis';
import type { KnowledgeIndex } from './knowledgeIndex';
import { callArgs, calleeName } from './ops';
import { publishesArg } from './refTransfer';
import { isProtectionMark } from './protection';
import { getFact, type HeldLock } from './state';
import { releasesOnPath, returnTruth } from './callerRelease';
import { dropsOnEveryError, exitsFor, pointeeEffect, splitByReturn, splitByTruth } from './outcomeEffects';
import type { AcquiredLock, FunctionSummary, LockEffect, RefEffect } from './types';

/**
 * What a function's callers need to know, read from its analysis: lock effects (a lock held at
 * every exit is acquired for the caller, held exactly at exits returning one truth is a try,
 * released on every path without being taken here is released for the caller), the locks it takes
 * inside, and what it does to the references it is given or returns.
 */

/** Lock effects for callers. */
export function inferEffects(exits: ExitInfo[], params: string[], contract: LockEffect[], releasedInBody: Set<string>, callerLocks: ReadonlySet<string> = new Set()): LockEffect[] {
  if (exits.length === 0) return [];
  const effects: LockEffect[] = [];
  // Dropped and retaken: the caller holds it on entry, and gets it back.
  for (const id of callerLocks) effects.push({ lock: parameterize(id, params), op: 'requires', family: '*', variant: '*', source: 'inferred' });
  const annotated = new Set(contract.map((c) => `${c.op}:${c.lock}`));
  const candidates = new Map<string, HeldLock>();
  for (const e of exits) for (const l of e.state.locks) if (!l.fromEntry && !callerLocks.has(l.id)) candidates.set(l.id, l);
  const required = new Set(contract.filter((c) => c.op === 'requires').map((c) => c.lock));
  for (const [id, lock] of candidates) {
    const lockParam = parameterize(id, params);
    // Dropped and re-taken under a `requires` contract: still the caller's lock, not a new acquire.
    if (required.has(lockParam)) continue;
    const heldAt = exits.filter((e) => e.state.locks.some((l) => l.id === id && !l.fromEntry));
    const base = { lock: lockParam, mode: lock.mode, family: lock.family, variant: lock.variant, source: 'inferred' as const };
    if (heldAt.length === exits.length) {
      if (!annotated.has(`acquire:${lockParam}`)) effects.push({ ...base, op: 'acquire' });
      continue;
    }
    const notHeld = exits.filter((e) => !heldAt.includes(e));
    const hv = new Set(heldAt.map((e) => e.returns ?? '?'));
    const nv = new Set(notHeld.map((e) => e.returns ?? '?'));
    // A leak on an error path also splits exits by return value; a wrapper never releases the lock itself.
    const releasesItself = releasedInBody.has(id);
    if (!releasesItself && hv.size === 1 && nv.size === 1 && !hv.has('?') && !nv.has('?') && [...hv][0] !== [...nv][0]) {
      effects.push({ ...base, op: 'try', trySuccess: [...hv][0] as 'zero' | 'nonzero' });
    }
  }
  // Dropped and taken back before the exit (a wait under the caller's lock): not released for the caller there.
  const releasedAt = (e: ExitInfo): string[] => e.state.releasedFromCaller.filter((id) => !e.state.locks.some((l) => l.id === id));
  const releasedEverywhere = releasedAt(exits[0]!).filter((id) => exits.every((e) => releasedAt(e).includes(id)));
  for (const id of releasedEverywhere) {
    const lockParam = parameterize(id, params);
    // Destroyed rather than released on some path: callers must not read it as dropping their hold (inconsistent-exit).
    const teardown = exits.some((e) => !releasesOnPath(e.state.trail, id)) ? { teardown: true } : {};
    if (!annotated.has(`release:${lockParam}`)) effects.push({ lock: lockParam, op: 'release', family: '*', variant: '*', source: 'inferred', ...teardown });
  }
  // Released on the exits that return one truth and kept on the others: the result tells callers
  // which (a conditional release); without such a split it is an inconsistent exit.
  const releasedSomewhere = new Set(exits.flatMap(releasedAt).filter((id) => !releasedEverywhere.includes(id)));
  for (const id of releasedSomewhere) {
    const lockParam = parameterize(id, params);
    const released = exits.filter((e) => releasedAt(e).includes(id));
    if (annotated.has(`release:${lockParam}`) || released.some((e) => !releasesOnPath(e.state.trail, id))) continue;
    const when = splitByTruth(released, exits.filter((e) => !released.includes(e)), returnTruth);
    if (when) effects.push({ lock: lockParam, op: 'release', family: '*', variant: '*', source: 'inferred', when });
  }
  return effects;
}

/** The exit returns one of `names` carrying the reference this function took on it (`ref(f); return f;`). */
function returnsHeld(e: ExitInfo, names: readonly string[]): boolean {
  return e.returnedRef === 'ref' && e.returnText !== undefined && names.includes(stripCasts(e.returnText));
}

/** `T *x = value;` declarations in the body: each declared name with its initialiser. */
function* initialisedLocals(body: Node): Generator<{ name: string; value: Node }> {
  for (const d of body.indexedDescendants('declaration')) {
    for (const dd of d.childrenForFieldName('declarator')) {
      if (dd.type !== 'init_declarator') continue;
      let id: Node | null = dd.childForFieldName('declarator');
      while (id && id.type !== 'identifier') id = id.childForFieldName('declarator');
      const value = dd.childForFieldName('value');
      if (id && value) yield { name: id.text, value };
    }
  }
}

/**
 * Locals that are the parameter under another type and never change (`struct flow *flow =
 * CONST_CAST(struct flow *, flow_);`): what the body does to them it does to the argument.
 */
export function paramAliases(body: Node, params: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const assigned = new Set<string>();
  for (const a of body.indexedDescendants('assignment_expression')) {
    const lhs = a.childForFieldName('left');
    if (lhs?.type === 'identifier') assigned.add(lhs.text);
  }
  for (const { name, value } of initialisedLocals(body)) {
    if (assigned.has(name)) continue;
    const v = stripCasts(value.text);
    if (params.includes(v) && v !== name) out.set(name, v);
  }
  return out;
}

/** Reference effects on parameters and the return value. */
export function inferRefEffects(
  exits: ExitInfo[], params: string[], kept: ReadonlyMap<string, number>, aliases: ReadonlyMap<string, string> = new Map(),
  storedWhen?: (names: readonly string[], relevant: ExitInfo[]) => 'zero' | 'nonzero' | undefined,
  mayKeep: ReadonlyMap<string, number> = new Map(),
  passedOn: ReadonlySet<string> = new Set(),
): RefEffect[] {
  const out: RefEffect[] = [];
  // Parameters the function hands back with a reference it took on them (`foo_ref(f)`: a get on its argument).
  const returnedParams = new Set<string>();
  const paramEffect = (p: string, i: number): void => {
    const target = `$${i}`;
    const names = [p, ...[...aliases].filter(([, v]) => v === p).map(([k]) => k)];
    if (kept.has(p)) {
      // Kept on some path, and dropped on every error return (`case USERSPACE: upcall(skb)`, then
      // `if (err) { kfree_skb(skb); return err; }`): the store was a success's; the drop is what
      // callers see on failure.
      const relevant = exitsFor(exits, names);
      const deadAt = relevant.filter((e) => e.state.dead.some((d) => paramDrop(d, p) && !isProtectionMark(d) && (d.how !== 'dropped' || d.consumed)));
      if (deadAt.length > 0 && dropsOnEveryError(relevant, deadAt, p)) {
        out.push({ target, op: 'put', when: 'nonzero', elseMay: true });
        return;
      }
      // Kept only on the exits returning one truth (conditionalStores.ts); kept through a view of it (-1): throughout.
      const when = kept.get(p) !== -1 ? storedWhen?.(names, exitsFor(exits, names)) : undefined;
      out.push(when ? { target, op: 'store', when } : { target, op: 'store' });
      return;
    }
    const relevant = exitsFor(exits, names);
    if (relevant.length === 0) return;
    // `dropped` after its own get: a reference the function took on its argument and put back —
    // balanced, not a put. Consumed (the caller's reference), last or not, is a put.
    const deadAt = relevant.filter((e) => e.state.dead.some((d) => paramDrop(d, p) && !isProtectionMark(d) && (d.how !== 'dropped' || d.consumed)));
    const heldAt = relevant.filter((e) => e.state.refs.some((r) => r.obj === p && !r.entry) || returnsHeld(e, names));
    if (deadAt.length === relevant.length) {
      const marks = deadAt.map((e) => e.state.dead.find((d) => paramDrop(d, p) && !isProtectionMark(d))!);
      const freed = marks.every((d) => d.how === 'freed' && !d.consumed);
      // Not the last (`dropped`), or the last with the free after a grace period (`deferred`): callers may still use it.
      const deferred = marks.every((d) => d.how === 'dropped' || d.how === 'deferred');
      out.push(deferred ? { target, op: 'put', deferred } : { target, op: freed ? 'free' : 'put' });
    } else if (deadAt.length > 0) {
      const others = relevant.filter((e) => !deadAt.includes(e));
      const when = splitByReturn(deadAt, others);
      // Handed to a call that may keep it, on the other outcome it may be gone too.
      if (when) out.push(names.some((n) => passedOn.has(n)) ? { target, op: 'put', when, elseMay: true } : { target, op: 'put', when });
      else if (others.every((e) => getFact(e.state, p) === 'zero')) {
        // NULL-tolerant: `if (p) free(p)`.
        const marks = deadAt.map((e) => e.state.dead.find((d) => paramDrop(d, p) && !isProtectionMark(d))!);
        out.push({ target, op: marks.every((d) => d.how === 'freed' && !d.consumed) ? 'free' : 'put' });
      } else if (relevant.every((e) => e.returnText === undefined) && others.every((e) => !e.state.refs.some((r) => r.obj === p && !r.entry))) {
        // A void function that frees only when the object says so (`if (!--p->count) destroy(p)`):
        // a reference drop. (Functions that return a status tell callers which it was.) A free
        // after a grace period leaves the object usable for now.
        const marks = deadAt.map((e) => e.state.dead.find((d) => paramDrop(d, p) && !isProtectionMark(d))!);
        const deferred = marks.every((d) => d.how === 'dropped' || d.how === 'deferred');
        out.push(deferred ? { target, op: 'put', deferred } : { target, op: 'put' });
      } else {
        // Dropped on every error return, and on some successful ones (`if (!keep) consume(skb)`):
        // callers can count on the error path's drop, not on keeping it after success.
        const onError = dropsOnEveryError(relevant, deadAt, p);
        out.push(onError ? { target, op: 'put', when: 'nonzero', elseMay: true } : { target, op: 'mayConsume' });
      }
    } else if (heldAt.length === relevant.length) {
      const returnsArg = heldAt.some((e) => returnsHeld(e, names)) || undefined;
      if (returnsArg) returnedParams.add(p);
      // The counter's family tells callers which try form exists (try-ref-needed).
      const family = heldAt[0]!.state.refs.find((r) => r.obj === p)?.family;
      out.push({ target, op: 'get', ...(family ? { family } : {}), ...(returnsArg ? { returnsArg } : {}) });
    } else if (heldAt.length > 0) {
      // A try-wrapper: the exits without the reference never took it (a failed try), and the
      // exits with it do not fail. Taken and put back on some exits is a leak on the others.
      const without = relevant.filter((e) => !heldAt.includes(e));
      const neverTook = without.every((e) => !e.state.dead.some((d) => paramDrop(d, p) && !isProtectionMark(d)));
      const when = neverTook && heldAt.every((e) => !e.failing) ? splitByReturn(heldAt, without) : undefined;
      if (when) out.push({ target, op: 'get', when });
    }
  };
  params.forEach((p, i) => {
    if (!p) return;
    const n = out.length;
    paramEffect(p, i);
    // An id given back (`free_mark(mark)`: its dead marks are handles): a free of an id, whatever shape the exits had.
    const marks = exits.flatMap((e) => e.state.dead.filter((d) => paramDrop(d, p) && !isProtectionMark(d)));
    if (marks.length > 0 && marks.every((d) => d.handle)) {
      for (let j = n; j < out.length; j++) {
        const e = out[j]!;
        if (e.op === 'put' || e.op === 'free' || e.op === 'mayConsume') out[j] = { target: e.target, op: 'free', handle: true, ...(e.when ? { when: e.when } : {}) };
      }
    }
    // Handed to a table of operations and nothing else said: it may be kept, or not.
    if (out.length === n && mayKeep.has(p)) out.push({ target: `$${i}`, op: 'mayConsume' });
    const pointee = pointeeEffect(exits, p, i);
    if (pointee) out.push(pointee);
  });
  const returns = exits.filter((e) => e.isReturn && e.returnText !== undefined && e.returns !== 'zero');
  // `return foo_ref(x)`-style wrappers that return their argument: the get on it says it all.
  const ownReturns = returns.every((e) => e.returnText !== undefined && [...returnedParams].some((p) => returnsHeld(e, [p, ...[...aliases].filter(([, v]) => v === p).map(([k]) => k)])));
  const handle = returnedHandle(exits);
  if (handle) out.push(handle);
  else if (returns.length > 0 && !ownReturns && returns.every((e) => e.returnedRef !== undefined)) {
    out.push({ target: 'return', op: returns.every((e) => e.returnedRef === 'alloc') ? 'alloc' : 'returnsRef' });
  }
  return out;
}

/**
 * A function that returns an id it took from a pool on its succeeding exits and one failure value
 * on all the others (`return INVALID_MARK;`, `return -ENOSPC;`, `return 0;`): it hands out ids,
 * and callers learn from the value whether they got one.
 */
function returnedHandle(exits: ExitInfo[]): RefEffect | undefined {
  const handing = exits.filter((e) => e.returnedRef === 'handle');
  if (handing.length === 0 || handing.some((e) => e.failing)) return undefined;
  const values = new Set<string>();
  for (const e of exits) {
    if (handing.includes(e)) continue;
    const v = e.isReturn && e.returnText !== undefined ? failureValue(e, e.returnText) : undefined;
    if (v === undefined) return undefined;
    values.add(v);
  }
  if (values.size > 1) return undefined;
  const invalid = [...values][0];
  return invalid === undefined ? { target: 'return', op: 'alloc', handle: true } : { target: 'return', op: 'alloc', handle: true, invalid };
}

/** What a return that hands out no id returns: a named constant, 0, or a negative error (`<0`). */
function failureValue(e: ExitInfo, text: string): string | undefined {
  const t = squash(stripCasts(text));
  if (literalTruth(t) === 'zero') return '0';
  if (e.failing || isErrorConstant(t) || /^-\d+$/.test(t) || getFact(e.state, negativeKey(t)) === 'nonzero') return '<0';
  if (/^[A-Z][A-Z0-9_]{2,}$/.test(t) && literalTruth(t) === undefined) return t;
  return undefined;
}

/**
 * Variables whose value the body keeps: stored whole into memory that outlives the call (`x->f = p`,
 * `*out = p`, a global), linked into a structure (a mutator's element argument), published, or
 * handed to a callee that keeps it — and, closing over simple derivations, the variables those
 * were derived from (`t = netdev_priv(dev); publish(t)` keeps `dev`). Flow-insensitive: keeping it
 * on one path is the function's contract.
 *
 * Values only handed to calls through a table of operations, which may or may not keep them, go
 * to `mayKeep` when it is given (and to the result otherwise).
 */
export function keptValues(
  body: Node, index: KnowledgeIndex, callOf: (name: string) => CallKnowledge, locals: ReadonlySet<string>,
  isScalar: (name: string) => boolean = () => false, mayKeep?: Map<string, number>,
): Map<string, number> {
  // Variable → the earliest line where its value is kept; -1 when kept through a view of it
  // (`t = netdev_priv(dev); link(t)`), which the path does not follow: taken as kept throughout.
  const kept = new Map<string, number>();
  const into = (m: Map<string, number>) => (v: string, line: number): void => {
    const at = m.get(v);
    if (at === undefined || line < at) m.set(v, line);
  };
  const keep = into(kept);
  const keepMaybe = mayKeep ? into(mayKeep) : keep;
  const derivedFrom = new Map<string, Set<string>>();
  const bare = (text: string): string | undefined => {
    // `(void *) p`, `CONST_CAST(struct x *, p)`: the same value.
    const t = stripCasts(text);
    return /^[A-Za-z_]\w*$/.test(t) ? t : undefined;
  };
  const derive = (target: string, value: Node): void => {
    // `f(x)` with x its only argument, `x->f`, `&x->f`, `container_of(x, …)`: views of x.
    const t = normalizeLvalue(value.text);
    const m = /^&?([A-Za-z_]\w*)(->|\.)/.exec(t) ?? /^(?:[A-Za-z_]\w*)\(\s*&?([A-Za-z_]\w*)\s*(?:,[^()]*)?\)$/.exec(t);
    if (!m) return;
    const from = m[1]!;
    // `id = get_id(dev)` into an integer: a value computed from dev, not a view of it.
    if (from === target || isScalar(target)) return;
    let set = derivedFrom.get(target);
    if (!set) derivedFrom.set(target, (set = new Set()));
    set.add(from);
  };
  for (const a of body.indexedDescendants('assignment_expression')) {
    const lhs = a.childForFieldName('left');
    const rhs = a.childForFieldName('right');
    if (!lhs || !rhs) continue;
    if (lhs.type === 'identifier' && locals.has(lhs.text)) {
      derive(lhs.text, rhs);
      continue;
    }
    const v = bare(rhs.text) ?? /^&\s*([A-Za-z_]\w*)\s*(?:->|\.)/.exec(normalizeLvalue(rhs.text))?.[1];
    // `skb->nfct = &ct->ct_general`: a pointer into the object keeps the object.
    if (v) keep(v, a.startPosition.row);
  }
  for (const { name, value } of initialisedLocals(body)) derive(name, value);
  for (const call of body.indexedDescendants('call_expression')) {
    const name = calleeName(call);
    if (!name) {
      keptByIndirectCall(call, bare, keepMaybe);
      continue;
    }
    const args = callArgs(call);
    const mutator = index.mutators.get(name);
    const k = callOf(name);
    const keeps = (k.refs ?? []).filter((r) => r.kind === 'store').map((r) => r.objArg ?? 0);
    // A callee that may keep its argument (through its own table of operations) makes this function
    // one too — unless what is known of the call (an API's put) says what becomes of it.
    const known = new Set((k.refs ?? []).map((r) => `$${r.objArg ?? 0}`));
    const mayKeeps = k.summary?.defined ? k.summary.refs.filter((r) => r.op === 'mayConsume' && !known.has(r.target)).map((r) => r.target) : [];
    args.forEach((arg, j) => {
      const linked = (mutator && j !== mutator.containerArg) || publishesArg(name, j) || keeps.includes(j);
      const maybe = !linked && mayKeeps.includes(`$${j}`);
      if (!linked && !maybe) return;
      // `&p->node` links p itself, also under a cast (`CONST_CAST(struct cmap_node *, &p->node)`).
      const t = stripCasts(arg.text);
      const m = /^&([A-Za-z_]\w*)(?:->|\.)/.exec(t);
      const v = m ? m[1]! : bare(t);
      if (v) (maybe ? keepMaybe : keep)(v, call.startPosition.row);
    });
  }
  closeOverViews(kept, derivedFrom);
  if (mayKeep) {
    closeOverViews(mayKeep, derivedFrom);
    for (const v of kept.keys()) mayKeep.delete(v);
  }
  return kept;
}

/** Keeping a view of x keeps x (-1: through a view the path does not follow). */
function closeOverViews(kept: Map<string, number>, derivedFrom: ReadonlyMap<string, ReadonlySet<string>>): void {
  for (let changed = true, guard = 0; changed && guard < 8; guard++) {
    changed = false;
    for (const [target, froms] of derivedFrom) {
      const at = kept.get(target);
      if (at === undefined) continue;
      for (const f of froms) {
        if (kept.get(f) !== -1) {
          kept.set(f, -1);
          changed = true;
        }
      }
    }
  }
}

/**
 * `(x->class->send)(x, msg)`: a call through an operations table may keep what it is given, as a
 * call with no body in sight may (refTransfer's mayKeep) — except the object whose table it is.
 * May: for callers it is neither a store nor a drop (`mayConsume`), so a put the API knows of, or
 * one the body shows, still counts.
 */
function keptByIndirectCall(call: Node, bare: (text: string) => string | undefined, keep: (v: string, line: number) => void): void {
  let fn = call.childForFieldName('function');
  while (fn && fn.type === 'parenthesized_expression' && fn.namedChildren.length > 0) fn = fn.namedChildren[0]!;
  if (!fn || (fn.type !== 'field_expression' && fn.type !== 'pointer_expression')) return;
  const self = /^\(*\*?\s*([A-Za-z_]\w*)/.exec(fn.text)?.[1];
  for (const arg of callArgs(call)) {
    const v = bare(arg.text);
    if (v && v !== self) keep(v, call.startPosition.row);
  }
}

/**
 * Locks the function takes with a blocking acquire, itself or inside callees (recorded along the
 * paths, with their guards), as callers name them: parameters' locks and globals, not locals (a
 * local `static struct ovsthread_once once` is this function's own, whatever callers call theirs).
 */
export function blockingAcquires(own: Map<string, AcquiredLock>, params: string[], isLocal: (name: string) => boolean): AcquiredLock[] {
  const out: AcquiredLock[] = [];
  for (const l of own.values()) {
    // An element of an array of locks indexed by a local (`locks[i]`) is still a lock of that array for lock order.
    const lock = parameterize(l.lock, params).replace(/\[([^[\]]*)\]/g, (m, index: string) => ([...index.matchAll(/(?<![\w$@])[A-Za-z_]\w*/g)].some((x) => isLocal(x[0])) ? '[?]' : m));
    const root = /^\*?([A-Za-z_]\w*)/.exec(lock)?.[1];
    if (!/^\*?(\$\d+|[A-Za-z_]\w*(@\w+)?)(\[[^\]]*\])*((->|\.)[A-Za-z_]\w*(\[[^\]]*\])*)*$/.test(lock) || (root !== undefined && isLocal(root))) continue;
    const after = (l.afterReleasing ?? []).map((a) => parameterize(a, params)).filter((a) => {
      const r = /^\*?([A-Za-z_]\w*)/.exec(a)?.[1];
      return r === undefined || !isLocal(r);
    });
    const guard = l.guard && l.guard.length > 0 ? l.guard : undefined;
    out.push({ ...l, lock, guard, afterReleasing: after.length > 0 ? after : undefined });
  }
  // Which 32 are kept must not depend on the order paths were explored in (summaries must settle).
  return out.sort((a, b) => a.chain.length - b.chain.length || (a.lock < b.lock ? -1 : a.lock > b.lock ? 1 : 0)).slice(0, 32);
}

/** The summary callers use. */
export function summaryOf(a: FunctionAnalysis, key: string, uri: string): FunctionSummary {
  const inferred = a.inferred;
  const contract = a.contract;
  const seen = new Set<string>();
  const effects = [...contract, ...inferred].filter((e) => {
    const k = `${e.op}:${e.lock}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const fromCaller = new Set(effects.filter((e) => e.op === 'requires' || e.op === 'release').map((e) => e.lock));
  return {
    name: a.fn.name, key, uri, range: a.fn.range, effects,
    acquires: a.blocking.filter((l) => !fromCaller.has(l.lock)),
    refs: a.refEffects,
    noReturn: (a.exits.length === 0 && !a.incomplete) || undefined,
    defined: true,
    ...(a.releasedFields.length > 0 ? { releasedFields: a.releasedFields } : {}),
    ...(a.sleeps ? { sleeps: a.sleeps } : {}),
    ...(a.stopsWhenFirst ? { stopsWhenFirst: true } : {}),
    // A function that hands out a reference or fresh memory is not borrowing from a table.
    lookup: (a.lookup && !a.refEffects.some((r) => r.target === 'return')) || undefined,
  };
}
