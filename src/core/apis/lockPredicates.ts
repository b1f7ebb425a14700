/**
 * Linux RCU accessors that say which protection their caller must have, and the lockdep predicates
 * that name a lock (analysis/heldPredicates.ts):
 * - `read`: `rcu_dereference(p)` — the caller is inside an RCU read section. Code written before
 *   lockdep-RCU dereferenced under the update-side lock with the same call, so any lock held
 *   satisfies it too.
 * - `check`: `rcu_dereference_check(p, c)` — a read section, or `c`: taken like `read`.
 * - `protected`: `rcu_dereference_protected(p, c)` — the update side: `c` names the lock the
 *   caller holds (`lockdep_is_held(&m)`, or a function of the inputs returning that).
 * `rcu_dereference_raw` and `rcu_dereference_protected(p, 1)` require nothing.
 */
export type AccessorKind = 'read' | 'check' | 'protected';

export interface RcuAccessorApi {
  name: string;
  kind: AccessorKind;
  /** The condition argument (check, protected). */
  condArg?: number;
}

export const RCU_ACCESSORS: RcuAccessorApi[] = [
  { name: 'rcu_dereference', kind: 'read' },
  { name: 'rcu_dereference_bh', kind: 'read' },
  { name: 'rcu_dereference_sched', kind: 'read' },
  { name: 'rcu_dereference_check', kind: 'check', condArg: 1 },
  { name: 'rcu_dereference_bh_check', kind: 'check', condArg: 1 },
  { name: 'rcu_dereference_sched_check', kind: 'check', condArg: 1 },
  { name: 'rcu_dereference_protected', kind: 'protected', condArg: 1 },
];

/** Accessors that check nothing, whatever a compatibility header defines them as. */
export const RCU_UNCHECKED: string[] = ['rcu_dereference_raw', 'rcu_dereference_raw_check', 'rcu_dereference_raw_notrace', 'rcu_access_pointer'];

/** Predicates that are true when a lock is held: the lock argument, or the lock they always mean. */
export interface HeldPredicateApi {
  name: string;
  lockArg?: number;
  implicitLock?: string;
}

export const HELD_PREDICATES: HeldPredicateApi[] = [
  { name: 'lockdep_is_held', lockArg: 0 },
  { name: 'lockdep_is_held_type', lockArg: 0 },
  { name: 'lockdep_rtnl_is_held', implicitLock: 'rtnl_mutex' },
];
