import type { LockApi, MutatorApi, NoReturnApi, RefApi, TrySuccess } from './types';

// Small constructors so the built-in tables read like a reference card: one line per API.

type LockExtra = Partial<Omit<LockApi, 'name' | 'kind' | 'family'>>;

/** An exclusive acquire of argument 0 unless `extra` says otherwise. */
export function acquire(name: string, family: string, extra: LockExtra = {}): LockApi {
  return { name, kind: 'acquire', lockArg: 0, family, mode: 'exclusive', ...extra };
}

/** A shared (read) acquire of argument 0 unless `extra` says otherwise. */
export function acquireShared(name: string, family: string, extra: LockExtra = {}): LockApi {
  return acquire(name, family, { mode: 'shared', ...extra });
}

export function release(name: string, family: string, extra: LockExtra = {}): LockApi {
  return { name, kind: 'release', lockArg: 0, family, ...extra };
}

/** Tears the lock down: held or not, nobody holds it afterwards. */
export function destroyLock(name: string, family: string, extra: LockExtra = {}): LockApi {
  return { name, kind: 'destroy', lockArg: 0, family, ...extra };
}

export function tryAcquire(name: string, family: string, trySuccess: TrySuccess, extra: LockExtra = {}): LockApi {
  return { name, kind: 'tryacquire', lockArg: 0, family, mode: 'exclusive', trySuccess, ...extra };
}

/** A lock with no argument (`rtnl_lock()`): `lockArg` -1 and the lock's global name. */
export function implicit(lock: string): LockExtra {
  return { lockArg: -1, implicitLock: lock };
}

type RefExtra = Partial<Omit<RefApi, 'name' | 'kind'>>;

export function ref(name: string, kind: RefApi['kind'], extra: RefExtra = {}): RefApi {
  const needsObj = kind !== 'returnsRef' && kind !== 'alloc';
  return { name, kind, ...(needsObj && extra.implicitObj === undefined ? { objArg: 0, objFrom: 'self' as const } : {}), ...extra };
}

/** `&obj->refcnt` names `obj`: the engine strips `&` and the last field. */
export const FIELD: RefExtra = { objArg: 0, objFrom: 'field' };

export function noReturn(...names: string[]): NoReturnApi[] {
  return names.map((name) => ({ name }));
}

export function mutators(containerArg: number, ...names: string[]): MutatorApi[] {
  return names.map((name) => ({ name, containerArg }));
}
