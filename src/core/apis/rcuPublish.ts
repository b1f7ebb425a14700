/**
 * How code publishes a pointer to RCU readers, reads it back, and retires the old value — the
 * vocabulary of "an RCU-published field freed directly" (analysis/rcuFields.ts).
 *
 * - Publishers store a new value where readers load it without locks (`rcu_assign_pointer(p->cfg, n)`,
 *   `ovsrcu_set(&m->impl, n)`); the place is argument 0, written bare (kernel) or as an address (OVS).
 * - Loads of a published place come in two kinds. Reader side (`rcu_dereference(p->cfg)`,
 *   `ovsrcu_get(T, &m->impl)`) says nothing about who else can see the object. Writer side
 *   (`rcu_dereference_protected(p->cfg, c)`, `ovsrcu_get_protected`, `rcu_dereference_raw`,
 *   `rtnl_dereference`, `rcu_access_pointer`, any other `*_dereference` wrapper) is the code's
 *   claim that it owns the place (holds the update lock, or the object is already unreachable).
 * - Retirement after a grace period: `call_rcu(&old->rcu, cb)` (the object is the member's owner),
 *   `kfree_rcu(old, rcu)`, `ovsrcu_postpone(fn, old)`; the callback of `call_rcu`/`ovsrcu_postpone`
 *   itself runs after the grace period.
 */

/** Calls that publish a new value of the place in argument 0; `address`: the place is written `&p->f`. */
const PUBLISH = new Map<string, { address: boolean }>([
  ['rcu_assign_pointer', { address: false }], ['RCU_INIT_POINTER', { address: false }], ['rcu_replace_pointer', { address: false }],
  ['ovsrcu_set', { address: true }], ['ovsrcu_set_hidden', { address: true }], ['ovsrcu_init', { address: true }],
]);

/** Loads whose result is the place's current value; `side` says whether they claim the place is this code's own. */
const LOADS = new Map<string, { side: 'reader' | 'writer'; address: boolean }>([
  ['rcu_dereference', { side: 'reader', address: false }], ['rcu_dereference_bh', { side: 'reader', address: false }],
  ['rcu_dereference_sched', { side: 'reader', address: false }], ['srcu_dereference', { side: 'reader', address: false }],
  ['READ_ONCE', { side: 'reader', address: false }],
  ['ovsrcu_get', { side: 'reader', address: true }],
  ['ovsrcu_get_protected', { side: 'writer', address: true }],
  ['rcu_dereference_protected', { side: 'writer', address: false }], ['rcu_dereference_raw', { side: 'writer', address: false }],
  ['rcu_access_pointer', { side: 'writer', address: false }], ['rtnl_dereference', { side: 'writer', address: false }],
  ['rcu_dereference_check', { side: 'writer', address: false }], ['rcu_dereference_bh_check', { side: 'writer', address: false }],
]);

/**
 * Frees after a grace period, and which argument is the object: `member` when it is the address of
 * a member of the object (`call_rcu(&old->rcu, cb)`); `callback` is the argument that runs later.
 */
const DEFERRED = new Map<string, { obj: number; member: boolean; callback?: number }>([
  ['call_rcu', { obj: 0, member: true, callback: 1 }], ['call_rcu_bh', { obj: 0, member: true, callback: 1 }],
  ['call_rcu_sched', { obj: 0, member: true, callback: 1 }], ['call_srcu', { obj: 1, member: true, callback: 2 }],
  ['kfree_rcu', { obj: 0, member: false }], ['kvfree_rcu', { obj: 0, member: false }],
  ['ovsrcu_postpone', { obj: 1, member: false, callback: 0 }], ['ovsrcu_postpone__', { obj: 1, member: false, callback: 0 }],
]);

export function rcuPublisher(name: string): { address: boolean } | undefined {
  return PUBLISH.get(name);
}

/** A load of a published place, with its side; any other `*_dereference*` wrapper counts as writer side. */
export function rcuLoad(name: string): { side: 'reader' | 'writer'; address: boolean } | undefined {
  return LOADS.get(name) ?? (/_dereference/.test(name) ? { side: 'writer', address: false } : undefined);
}

export function rcuDeferredFree(name: string): { obj: number; member: boolean; callback?: number } | undefined {
  return DEFERRED.get(name);
}
