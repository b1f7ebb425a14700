// The locks of a function at its boundary: what its body takes or drops, the state its contract
// gives at entry, how file-static lock names are qualified, and the caller's locks it releases.
import type { SyntaxNode as Node } from '../c/syntax';
import type { Cfg } from '../c/cfg';
import type { SourceRange } from '../source';
import type { EngineEvent } from './events';
import { normalizeLvalue, substituteParams } from './exprs';
import { lockIdOfCall } from './heldAssertions';
import { calleeName, callArgs } from './ops';
import type { AcquiredLock, LockEffect, SummaryTable } from './types';
import type { CallKnowledge } from './callKnowledge';
import { entryOwned } from './ownedParams';
import { emptyState, type AbsState, type HeldLock } from './state';
import { plainName, qualifyStatic } from './lockNames';

/** Lock identities this function acquires (or releases) anywhere, directly or through summarised wrappers. */
export function locksInBody(body: Node, callOf: (name: string) => CallKnowledge, qualify: (id: string) => string): { acquired: Set<string>; released: Set<string> } {
  const ids = new Set<string>();
  const released = new Set<string>();
  for (const call of body.indexedDescendants('call_expression')) {
    if (!call) continue;
    const name = calleeName(call);
    if (!name) continue;
    const k = callOf(name);
    const args = callArgs(call).map((a) => a.text);
    if (k.lock) {
      const id = lockIdOfCall(k.lock, args);
      if (id && k.lock.kind !== 'destroy') (k.lock.kind === 'release' ? released : ids).add(qualify(id));
      continue;
    }
    for (const e of k.lockEffects) {
      const t = substituteParams(e.lock, args);
      if (!t) continue;
      if (e.op === 'acquire' || e.op === 'try') ids.add(qualify(normalizeLvalue(t)));
      else if (e.op === 'release') released.add(qualify(normalizeLvalue(t)));
    }
  }
  return { acquired: ids, released };
}

/** Locks the contract says the caller holds; their site is the function's name (where the contract is written). */
export function entryState(contract: LockEffect[], params: string[], site: SourceRange, qualify: (id: string) => string, owned: string[]): AbsState {
  const s = emptyState();
  if (owned.length > 0) s.refs = entryOwned(owned, site);
  for (const e of contract) {
    if (e.op !== 'requires' && e.op !== 'release') continue;
    const text = substituteParams(e.lock, params);
    const id = text ? qualify(text) : null;
    if (!id || s.locks.some((l) => l.id === id)) continue;
    const held: HeldLock = {
      id, display: plainName(text!), mode: e.mode ?? 'exclusive', family: '*', variant: '*', api: 'caller',
      site, fromEntry: true, depth: 1,
    };
    s.locks = [...s.locks, held];
  }
  return s;
}

/** `mutex` → `mutex@lib_seq_c` when `mutex` is a file-scope `static` of this file and no local shadows it. */
export function qualifier(uri: string, table: SummaryTable, locals: Set<string>): (id: string) => string {
  const isStatic = table.isFileStatic;
  if (!isStatic) return (id) => id;
  const memo = new Map<string, string>();
  return (id) => {
    let q = memo.get(id);
    if (q === undefined) {
      q = qualifyStatic(id, uri, isStatic, (n) => locals.has(n));
      memo.set(id, q);
    }
    return q;
  };
}

/** Locks released where no acquire of them in this function can reach (the caller's, dropped and retaken). */
export function callersLocks(events: EngineEvent[], acquireNodes: Map<string, Set<number>>, cfg: Cfg): Set<string> {
  const out = new Set<string>();
  const reach = new Map<string, Set<number>>();
  const reachable = (id: string): Set<number> => {
    let r = reach.get(id);
    if (!r) {
      r = new Set();
      const queue = [...(acquireNodes.get(id) ?? [])];
      while (queue.length) {
        const n = queue.pop()!;
        for (const m of cfg.nodes[n]?.succ ?? []) if (m >= 0 && !r.has(m)) { r.add(m); queue.push(m); }
      }
      reach.set(id, r);
    }
    return r;
  };
  const bad = new Set<string>();
  for (const e of events) {
    if (e.kind !== 'release-unheld' || e.node === undefined) continue;
    if (reachable(e.id).has(e.node)) bad.add(e.id);
    else out.add(e.id);
  }
  for (const id of bad) out.delete(id);
  return out;
}

/** A declared lock function's acquires are its contract's. */
export function declaredAcquires(contract: LockEffect[]): AcquiredLock[] {
  return contract.filter((e) => e.op === 'acquire').map((e) => ({ lock: e.lock, mode: e.mode ?? 'exclusive', family: e.family ?? '*', chain: [] }));
}

/** A contract's lock in the body's terms, when the annotation wrote the pointer and the body takes what it points to (or the reverse). */
export function reconcileLock(lock: string, params: string[], inBody: { acquired: Set<string>; released: Set<string> }): string {
  const concrete = substituteParams(lock, params);
  if (!concrete) return lock;
  const known = (id: string): boolean => inBody.acquired.has(id) || inBody.released.has(id);
  if (known(concrete)) return lock;
  if (known(`*${concrete}`)) return `*${lock}`;
  if (concrete.startsWith('*') && known(concrete.slice(1))) return lock.slice(1);
  return lock;
}

/** Calls that take or drop a lock (an API or a wrapper with lock effects): their arguments are the lock, not what it guards. */
export function lockCallee(callOf: (name: string) => CallKnowledge): (name: string) => boolean {
  return (name) => {
    const k = callOf(name);
    return (k.lock !== undefined && k.lock.kind !== 'destroy') || k.lockEffects.some((e) => e.op !== 'requires');
  };
}
