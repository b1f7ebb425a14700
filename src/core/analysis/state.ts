import type { LockMode } from '../apis/types';
import type { SourceRange } from '../source';

/** One lock held on a path. */
export interface HeldLock {
  /** Normalised identity (see exprs.ts). */
  id: string;
  /** The lock argument as the acquire wrote it, for messages. */
  display: string;
  mode: LockMode;
  family: string;
  variant: string;
  /** Normalised handle expression (LOCK_STATE_EX, irqsave flags, in-stack queue handle), if any. */
  handle?: string;
  /** API (or wrapper) that took it. */
  api: string;
  site: SourceRange;
  /** True when held on entry (from a contract such as `_Requires_lock_held_` or `__releases`). */
  fromEntry: boolean;
  /** Re-entry depth for recursive locks (rcu_read_lock). */
  depth: number;
  /** Handles of nested acquisitions of a recursive lock (each NDIS acquire has its own LOCK_STATE_EX). */
  moreHandles?: string[];
  /** The acquire call's arguments as written (quick fixes build the matching release from them). */
  args?: string[];
}

/** What a variable or a pure condition is known to be on this path. */
export type Truth = 'zero' | 'nonzero';

export interface Fact {
  key: string;
  value: Truth;
  /** Identifiers whose assignment kills the fact (shared between states: never changed). */
  roots: readonly string[];
  /** A condition that reads memory (`p->f`, `*p`, `a[i]`): not carried round a loop (explore.ts). */
  readsMemory?: boolean;
  /** The variable holds an error code (`-ENOMEM`, `STATUS_INSUFFICIENT_RESOURCES`): returning it is failing. */
  error?: boolean;
}

/** An owned reference (reference-counting rules). */
export interface OwnedRef {
  /** Normalised object identity. */
  obj: string;
  display: string;
  api: string;
  site: SourceRange;
  count: number;
  /** Memory this function allocated (`alloc`), or an integer id taken from a pool (`handle`), rather than a counted reference. */
  kind?: 'ref' | 'alloc' | 'handle';
  /**
   * A handle's copies in fields of local aggregates (`args.mark = mark`: a parameter block for a
   * call): the id is handed on where one of them goes, not where it is copied.
   */
  copies?: readonly string[];
  /** The allocator's family (`kmalloc`, `kmem-cache`, `libc`, …): the free must be of the same; for a reference, its counter's (`kref`). */
  family?: string;
  /** The call wrote the new reference into the place `obj` names (an assignment target or out-parameter). */
  fill?: boolean;
  /** Taken on an object the caller lent (a parameter's): the caller's own reference remains when this one is dropped. */
  borrowed?: boolean;
  /** The object was read or passed on after the reference was taken (a count bumped for a table's sake is not). */
  used?: boolean;
  /** An owned parameter the function received (ownedParams.ts), not a reference it took. */
  entry?: boolean;
}

/** A released or freed object (use-after-release). */
export interface DeadObject {
  obj: string;
  display: string;
  api: string;
  site: SourceRange;
  /**
   * `dropped`: this path put back a reference it had taken on a lent object, or a put that was not
   * the last (alive, but not this path's to put again); `last`: this path dropped the last reference
   * and owns the object for teardown (touching and freeing it is fine, another put is not).
   */
  how: 'released' | 'freed' | 'destroyed' | 'dropped' | 'last' | 'deferred' | 'guarded' | 'unlocked' | 'unlinked' | 'view' | 'stale';
  /** Put without a reference of this path's own: it consumed one the caller handed over (not carried round a loop). */
  consumed?: boolean;
  /**
   * Dropped by a callee on one outcome of the call only (its error path frees what it was given):
   * the caller's one reference, which a second drop on that outcome takes twice.
   */
  onOutcome?: boolean;
  /**
   * `guarded`: reached (looked up, read from a shared structure) while these locks were held and
   * kept alive only by them; `unlocked`: the last of them was released (protection.ts).
   */
  guards?: readonly string[];
  /** An integer id given back to its pool: its value may still be read (RefApi.handle). */
  handle?: boolean;
  /** A local's copy of this field place, whose reference was dropped (fieldDrops.ts). */
  heldBy?: string;
  /** With `heldBy`: the last free waits for a grace period. */
  deferredFree?: boolean;
  /** `view`/`stale`: the packet whose buffer the pointer points into (packetViews.ts). */
  of?: string;
  /** The lock (as written) whose release ended the protection, and where. */
  endedBy?: string;
  endedAt?: SourceRange;
}

/** The path so far, as a shared-tail list of the steps worth telling. */
export interface Trail {
  range: SourceRange;
  message: string;
  prev: Trail | null;
  length: number;
}

export interface AbsState {
  // Read-only lists: states share them (cloneState), so a change replaces the list.
  locks: readonly HeldLock[];
  facts: readonly Fact[];
  refs: readonly OwnedRef[];
  dead: readonly DeadObject[];
  /** Locks this path released that were held by the caller (release-wrapper inference). */
  releasedFromCaller: readonly string[];
  /**
   * Locks held through a variable that was then given another value (`&slot->mutex` taken in one
   * iteration, `slot` reassigned in the next): the path can no longer name them, so releasing that
   * name later is not an error and they are not reported at exit.
   */
  forgotten: readonly string[];
  trail: Trail | null;
  /** Set by a `return`: where, and what it returns, while the state travels to the exit. */
  ret?: { range: SourceRange; returns?: Truth; text?: string; ref?: 'ref' | 'alloc' | 'handle'; failing?: boolean };
  /** `stateKey`, once asked: a queued state is never changed (successors change clones). */
  key?: string;
}

export function emptyState(): AbsState {
  return { locks: [], facts: [], refs: [], dead: [], releasedFromCaller: [], forgotten: [], trail: null };
}

/**
 * A copy to change. Lists and their entries are shared with the original: transfer functions
 * replace a list (`s.locks = [...s.locks, lock]`, `filter`, `map`) and never edit one in place, so
 * a step allocates one object, not six.
 */
export function cloneState(s: AbsState): AbsState {
  return {
    locks: s.locks,
    facts: s.facts,
    refs: s.refs,
    dead: s.dead,
    releasedFromCaller: s.releasedFromCaller,
    forgotten: s.forgotten,
    trail: s.trail,
    ret: s.ret,
  };
}

function joinSorted(parts: string[]): string {
  return parts.length < 2 ? (parts[0] ?? '') : parts.sort().join(';');
}

/** Identity of a state for joining: everything but the trail and source sites. */
export function stateKey(s: AbsState): string {
  return (s.key ??= computeKey(s));
}

/** A copy that differs only in its trail; the copy shares everything else, so nobody may change either in place. */
export function withTrail(s: AbsState, range: SourceRange, message: string): AbsState {
  return {
    locks: s.locks, facts: s.facts, refs: s.refs, dead: s.dead, releasedFromCaller: s.releasedFromCaller, forgotten: s.forgotten,
    trail: extendTrail(s.trail, range, message), ret: s.ret, key: s.key,
  };
}

/** Like `withTrail`, for a copy the caller is about to give new facts (`setFact` replaces the array, never edits it). */
export function withTrailUnkeyed(s: AbsState, range: SourceRange, message: string): AbsState {
  const copy = withTrail(s, range, message);
  copy.key = undefined;
  return copy;
}

/** A copy without the facts and dead marks the filters reject (the original is shared: never changed in place). */
export function keepLive(s: AbsState, keepFact: (f: Fact) => boolean, keepDead: (d: DeadObject) => boolean): AbsState {
  const facts = s.facts.filter(keepFact);
  const dead = s.dead.filter(keepDead);
  if (facts.length === s.facts.length && dead.length === s.dead.length) return s;
  return {
    locks: s.locks, facts, refs: s.refs, dead, releasedFromCaller: s.releasedFromCaller, forgotten: s.forgotten,
    trail: s.trail, ret: s.ret,
  };
}

const lockKey = (l: HeldLock): string => `${l.id}|${l.mode}|${l.variant}|${l.handle ?? ''}|${l.moreHandles?.join(',') ?? ''}|${l.depth}|${l.fromEntry ? 1 : 0}`;
const factKey = (f: Fact): string => `${f.key}=${f.value}${f.error ? '!' : ''}`;
const refKey = (r: OwnedRef): string => `${r.obj}:${r.count}${r.borrowed ? 'b' : ''}${r.used ? 'u' : ''}${r.copies ? `=${r.copies.join(',')}` : ''}`;
const deadKey = (d: DeadObject): string => `${d.obj}:${d.how}${d.consumed ? 'c' : ''}${d.onOutcome ? 'o' : ''}${d.guards ? d.guards.join('+') : ''}`;

function partKey<T>(items: readonly T[], keyOf: (x: T) => string): string {
  return items.length === 0 ? '' : items.length === 1 ? keyOf(items[0]!) : joinSorted(items.map(keyOf));
}

function computeKey(s: AbsState): string {
  const ret = s.ret ? s.ret.range.start.line : '';
  if (s.locks.length === 0 && s.facts.length === 0 && s.refs.length === 0 && s.dead.length === 0 && s.releasedFromCaller.length === 0 && s.forgotten.length === 0) return `#${ret}`;
  return `${partKey(s.locks, lockKey)}#${partKey(s.facts, factKey)}#${partKey(s.refs, refKey)}#${partKey(s.dead, deadKey)}#${partKey(s.releasedFromCaller, (id) => id)}#${partKey(s.forgotten, (id) => id)}#${ret}`;
}

export function addTrail(s: AbsState, range: SourceRange, message: string): void {
  s.trail = extendTrail(s.trail, range, message);
}

function extendTrail(prev: Trail | null, range: SourceRange, message: string): Trail {
  return { range, message, prev, length: (prev?.length ?? 0) + 1 };
}

export function trailSteps(t: Trail | null): { range: SourceRange; message: string }[] {
  const out: { range: SourceRange; message: string }[] = [];
  for (let c = t; c; c = c.prev) out.push({ range: c.range, message: c.message });
  return out.reverse();
}

export function findLock(s: AbsState, id: string): HeldLock | undefined {
  return s.locks.find((l) => l.id === id);
}

export function getFact(s: AbsState, key: string): Truth | undefined {
  return s.facts.find((f) => f.key === key)?.value;
}

/** Whether the path knows variable `key` holds an error code. */
export function holdsError(s: AbsState, key: string): boolean {
  return s.facts.some((f) => f.key === key && f.error === true);
}

/** Replaces what the path knows under `fact.key` (facts are shared between states: never changed). */
export function setFact(s: AbsState, fact: Fact): void {
  s.facts = [...s.facts.filter((f) => f.key !== fact.key), fact];
}

/** Forgets everything known about identifier `name` (it was assigned or its address escaped). */
/** A write through `name` (`name->f = v`): facts about memory it reaches go, its own truth stays. */
export function killFactsThrough(s: AbsState, name: string): void {
  if (s.facts.some((f) => f.key !== name && f.roots.includes(name))) {
    s.facts = s.facts.filter((f) => f.key === name || !f.roots.includes(name));
  }
}

export function killFacts(s: AbsState, name: string): void {
  if (s.facts.some((f) => f.key === name || f.roots.includes(name))) {
    s.facts = s.facts.filter((f) => f.key !== name && !f.roots.includes(name));
  }
}
