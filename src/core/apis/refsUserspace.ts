import { FIELD, ref } from './define';
import type { RefApi } from './types';

/**
 * Open vSwitch userspace references (lib/ovs-atomic.h, lib/dpif-netdev.c, lib/netdev.c,
 * ofproto) and C library allocations. `ovs_refcount_unref` returns the count *before* the
 * decrement, so 1 means this was the last reference.
 */
export const USERSPACE_REFS: RefApi[] = [
  ref('ovs_refcount_ref', 'get', { ...FIELD, family: 'ovs-refcount' }),
  ref('ovs_refcount_try_ref_rcu', 'tryget', { ...FIELD, success: 'nonzero', family: 'ovs-refcount' }),
  ref('ovs_refcount_unref', 'put', { ...FIELD, lastWhen: 'returns-one', family: 'ovs-refcount' }),
  ref('ovs_refcount_unref_relaxed', 'put', { ...FIELD, lastWhen: 'returns-one', family: 'ovs-refcount' }),

  // bool dp_netdev_flow_ref(flow): false when the flow is already dead.
  ref('dp_netdev_flow_ref', 'tryget', { success: 'nonzero', family: 'dp-netdev-flow' }),
  ref('dp_netdev_flow_unref', 'put', { family: 'dp-netdev-flow' }),

  // int netdev_open(name, type, &netdevp): 0 fills *netdevp with a new reference.
  ref('netdev_open', 'returnsRef', { objArg: 2, success: 'zero', family: 'netdev-userspace' }),
  // struct netdev *netdev_from_name(name): the open device with a new reference, or NULL.
  ref('netdev_from_name', 'returnsRef', { success: 'nonnull', family: 'netdev-userspace' }),
  ref('netdev_ref', 'get', { family: 'netdev-userspace' }),
  ref('netdev_close', 'put', { family: 'netdev-userspace' }),

  ref('ofproto_rule_ref', 'get', { family: 'ofproto-rule' }),
  ref('ofproto_rule_try_ref', 'tryget', { success: 'nonzero', family: 'ofproto-rule' }),
  ref('ofproto_rule_unref', 'put', { family: 'ofproto-rule' }),

  // Integer ids (lib/id-pool.h): bool id_pool_alloc_id(pool, &id) fills id on success; id_pool_free_id(pool, id) gives it back.
  ref('id_pool_alloc_id', 'alloc', { objArg: 1, success: 'nonzero', handle: true, poolArg: 0, family: 'id-pool' }),
  ref('id_pool_free_id', 'free', { objArg: 1, objFrom: 'self', handle: true, family: 'id-pool' }),

  ...['malloc', 'calloc', 'strdup', 'strndup'].map((name) => ref(name, 'alloc', { success: 'nonnull', family: 'libc' })),
  // OVS's x* allocators abort instead of returning NULL.
  ...['xmalloc', 'xzalloc', 'xcalloc', 'xmemdup', 'xstrdup', 'xmalloc_cacheline', 'xzalloc_cacheline']
    .map((name) => ref(name, 'alloc', { family: 'libc' })),
  ref('free', 'free', { family: 'libc' }),
  // ovsrcu_postpone(FUNCTION, ARG): ARG is freed after every thread quiesces; this one may use it until then.
  ref('ovsrcu_postpone', 'free', { objArg: 1, objFrom: 'self', deferred: true, family: 'ovsrcu' }),
  ref('free_cacheline', 'free', { family: 'libc' }),

  // DPDK packet buffers: rte_pktmbuf_alloc(pool) gives a new mbuf or NULL.
  ref('rte_pktmbuf_alloc', 'alloc', { success: 'nonnull', family: 'rte-mbuf' }),
  ref('rte_pktmbuf_free', 'free', { family: 'rte-mbuf' }),
];
