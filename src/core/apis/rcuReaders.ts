/**
 * How code reaches an object through a structure that writers change under readers' feet (RCU):
 * the object may be unlinked, its count dropped to zero and its free queued for after a grace
 * period while a reader still looks at it. The reader may use it until its read side ends, but an
 * unconditional reference (`kref_get`, `ovs_refcount_ref`) would bring a dead count back from zero.
 *
 * Two kinds of read side:
 * - `section`: the kernel's explicit `rcu_read_lock()` … `rcu_read_unlock()`. The same accessors are
 *   also used by writers that hold the structure's lock (`rcu_dereference_check(p, lockdep_…)`,
 *   `hlist_for_each_entry_rcu(…, lockdep_is_held(…))`), so they count only inside a read section
 *   this function opened.
 * - `thread`: OVS userspace RCU, where every thread is a reader until it quiesces: `ovsrcu_get`,
 *   `cmap_find`, `CMAP_FOR_EACH`, … read lock-free wherever they are (the `_protected` forms are
 *   the writers', under the lock).
 */
export type RcuReadSide = 'section' | 'thread';

/** Calls whose result is an object read under RCU (the first pointer of the rhs). */
const READ_CALLS = new Map<string, RcuReadSide>([
  ['rcu_dereference', 'section'], ['rcu_dereference_bh', 'section'], ['rcu_dereference_sched', 'section'],
  ['rcu_dereference_check', 'section'], ['rcu_dereference_bh_check', 'section'], ['srcu_dereference', 'section'],
  ['list_entry_rcu', 'section'], ['list_first_or_null_rcu', 'section'], ['list_next_or_null_rcu', 'section'],
  ['list_first_entry_rcu', 'section'], ['hlist_first_rcu', 'section'], ['hlist_next_rcu', 'section'],
  ['ovsrcu_get', 'thread'], ['cmap_find', 'thread'], ['cmap_find_exactly', 'thread'], ['cmap_next_position', 'thread'],
  ['rculist_next', 'thread'], ['rculist_back', 'thread'], ['rculist_front', 'thread'],
]);

/** Loop macros that walk a structure under RCU; the cursor is their first loop variable. */
const THREAD_WALKS = /^(CMAP_FOR_EACH|CMAP_FOR_EACH_WITH_HASH|CMAP_FOR_EACH_CONTINUE|CMAP_NODE_FOR_EACH|CMAP_CURSOR_FOR_EACH|CMAP_CURSOR_FOR_EACH_CONTINUE|RCULIST_FOR_EACH|RCULIST_FOR_EACH_REVERSE|RCULIST_FOR_EACH_REVERSE_CONTINUE|PVECTOR_FOR_EACH|PVECTOR_FOR_EACH_PRIORITY|PVECTOR_FOR_EACH_CONTINUE)$/;
const SECTION_WALKS = /^[a-z_]*for_each[a-z_]*_rcu(_bh|_notrace)?$/;

/** Wrappers that turn the address of a member into its container (`container_of(p, T, m)`). */
const CONTAINERS = new Set(['container_of', 'container_of_const', 'CONTAINER_OF', 'OBJECT_CONTAINING', 'hlist_entry', 'hlist_entry_safe', 'list_entry', 'list_first_entry', 'CONTAINING_RECORD']);

/** Macros that assign their first argument the container of the second (`INIT_CONTAINER(obj, node, member)`). */
const ASSIGNING_CONTAINERS = new Set(['INIT_CONTAINER', 'ASSIGN_CONTAINER']);

export function rcuReadCall(name: string): RcuReadSide | undefined {
  return READ_CALLS.get(name);
}

export function rcuWalk(name: string): RcuReadSide | undefined {
  if (/_PROTECTED$|_protected$/.test(name)) return undefined;
  if (THREAD_WALKS.test(name)) return 'thread';
  if (SECTION_WALKS.test(name)) return 'section';
  return undefined;
}

export function isContainerOf(name: string): boolean {
  return CONTAINERS.has(name);
}

export function isAssigningContainer(name: string): boolean {
  return ASSIGNING_CONTAINERS.has(name);
}
