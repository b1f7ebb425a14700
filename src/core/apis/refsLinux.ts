import { FIELD, ref } from './define';
import type { RefApi } from './types';

/**
 * Linux kernel references and allocations. Field-style APIs take `&obj->kref` / `&obj->refcnt`
 * and count for `obj`. The skb consumers take over the caller's reference (`consumes`), so using
 * the skb afterwards is a use-after-release and dropping it again an underflow.
 */
/** Netlink sends: name → [message argument, argument count (when the position depends on it)]. */
const NETLINK_SENDS: [string, [number, number?][]][] = [
  ['genlmsg_reply', [[0]]], ['rtnl_notify', [[0]]], ['netlink_unicast', [[1]]], ['nlmsg_notify', [[1]]],
  ['nlmsg_multicast', [[1]]], ['nlmsg_unicast', [[1]]], ['netlink_broadcast', [[1]]],
  ['genlmsg_unicast', [[0, 2], [1, 3]]],
  ['genlmsg_multicast', [[0, 4], [1, 5]]],
  ['genlmsg_multicast_allns', [[0, 4], [1, 5]]],
  ['genlmsg_multicast_netns', [[1, 5], [2, 6]]],
  ['genl_notify', [[0, 6], [1, 5], [1, 7]]],
];

export const LINUX_REFS: RefApi[] = [
  ref('kref_get', 'get', { ...FIELD, family: 'kref' }),
  ref('kref_get_unless_zero', 'tryget', { ...FIELD, success: 'nonzero', family: 'kref' }),
  ref('kref_put', 'put', { ...FIELD, lastWhen: 'returns-true', lastFrees: true, family: 'kref' }),

  ref('refcount_inc', 'get', { ...FIELD, family: 'refcount' }),
  ref('refcount_inc_not_zero', 'tryget', { ...FIELD, success: 'nonzero', family: 'refcount' }),
  ref('refcount_dec', 'put', { ...FIELD, family: 'refcount' }),
  ref('refcount_dec_and_test', 'put', { ...FIELD, lastWhen: 'returns-true', family: 'refcount' }),
  ref('atomic_inc_not_zero', 'tryget', { ...FIELD, argPattern: 'ref', success: 'nonzero', family: 'atomic' }),
  ref('atomic_dec_and_test', 'put', { ...FIELD, argPattern: 'ref', lastWhen: 'returns-true', family: 'atomic' }),

  ref('dev_hold', 'get', { family: 'netdev' }),
  ref('dev_put', 'put', { family: 'netdev' }),
  ref('netdev_hold', 'get', { family: 'netdev' }),
  ref('netdev_put', 'put', { family: 'netdev' }),
  ref('dev_get_by_name', 'returnsRef', { success: 'nonnull', family: 'netdev' }),
  ref('dev_get_by_index', 'returnsRef', { success: 'nonnull', family: 'netdev' }),
  ref('netdev_get_by_name', 'returnsRef', { success: 'nonnull', family: 'netdev' }),
  ref('netdev_get_by_index', 'returnsRef', { success: 'nonnull', family: 'netdev' }),
  ref('in_dev_get', 'returnsRef', { success: 'nonnull', family: 'in-dev' }),
  ref('in_dev_put', 'put', { family: 'in-dev' }),

  ref('sock_hold', 'get', { family: 'sock' }),
  ref('sock_put', 'put', { family: 'sock' }),
  ref('sock_gen_put', 'put', { family: 'sock' }),

  ref('skb_get', 'get', { family: 'skb' }),
  ref('kfree_skb', 'put', { family: 'skb' }),
  ref('kfree_skb_reason', 'put', { family: 'skb' }),
  ref('consume_skb', 'put', { family: 'skb' }),
  ref('dev_kfree_skb', 'put', { family: 'skb' }),
  ref('dev_kfree_skb_any', 'put', { family: 'skb' }),
  ref('dev_queue_xmit', 'put', { consumes: 0, family: 'skb' }),
  ref('netif_rx', 'put', { consumes: 0, family: 'skb' }),
  ref('netif_receive_skb', 'put', { consumes: 0, family: 'skb' }),
  ref('napi_gro_receive', 'put', { objArg: 1, objFrom: 'self', consumes: 1, family: 'skb' }),
  // Return the skb with the tag pushed in, or NULL after freeing it (the skb is gone on failure).
  ...['vlan_insert_tag', 'vlan_insert_tag_set_proto', '__vlan_put_tag', 'vlan_put_tag', '__vlan_hwaccel_push_inside'].map((name) => ref(name, 'put', { when: 'zero', family: 'skb' })),
  // An skb queued on a list belongs to the list's owner now.
  ...['skb_queue_tail', '__skb_queue_tail', 'skb_queue_head', '__skb_queue_head'].map((name) => ref(name, 'store', { objArg: 1, objFrom: 'self', family: 'skb' })),

  // nf_conntrack_get(&ct->ct_general) / nf_conntrack_put(&ct->ct_general); nf_ct_put(ct).
  ref('nf_conntrack_get', 'get', { ...FIELD, family: 'conntrack' }),
  ref('nf_conntrack_put', 'put', { ...FIELD, family: 'conntrack' }),
  ref('nf_ct_put', 'put', { family: 'conntrack' }),

  ref('get_net', 'get', { family: 'net' }),
  ref('maybe_get_net', 'tryget', { success: 'nonnull', family: 'net' }),
  ref('put_net', 'put', { family: 'net' }),
  // The names before 3.x kernels: hold_net()/release_net() took and dropped a namespace reference too.
  ref('hold_net', 'get', { family: 'net' }),
  ref('release_net', 'put', { family: 'net' }),
  ref('of_node_get', 'get', { family: 'of-node' }),
  ref('of_node_put', 'put', { family: 'of-node' }),
  ref('dst_hold', 'get', { family: 'dst' }),
  ref('dst_hold_safe', 'tryget', { success: 'nonzero', family: 'dst' }),
  ref('dst_release', 'put', { family: 'dst' }),
  // ip6_rt_put(rt) / ip_rt_put(rt) drop the route's embedded dst: the reference dst_hold(&rt->dst) took.
  ref('ip6_rt_put', 'put', { objExpr: '$0->dst', family: 'dst' }),
  ref('ip_rt_put', 'put', { objExpr: '$0->dst', family: 'dst' }),
  // Kept by the skb: the caller's reference goes with it.
  ref('skb_dst_set', 'store', { objArg: 1, family: 'dst' }),
  ref('nf_ct_set', 'store', { objArg: 1, family: 'conntrack' }),

  // Fresh packet buffers and netlink messages: the caller owns them until a free or a consumer.
  ...['alloc_skb', '__alloc_skb', 'alloc_skb_with_frags', 'netdev_alloc_skb', '__netdev_alloc_skb', 'netdev_alloc_skb_ip_align',
    'dev_alloc_skb', 'napi_alloc_skb', 'skb_clone', 'skb_copy', 'pskb_copy', 'skb_copy_expand', 'genlmsg_new', 'genlmsg_new_unicast', 'nlmsg_new']
    .map((name) => ref(name, 'alloc', { success: 'nonnull', family: 'skb' })),
  ref('nlmsg_free', 'put', { family: 'skb' }),
  // Netlink sends take the message over, delivered or not. The message's argument position moved
  // when the family became the first argument (3.13); old trees keep the old order, told by arity.
  ...NETLINK_SENDS.flatMap(([name, positions]) => positions.map(([k, arity]) =>
    ref(name, 'put', { ...(k === 0 ? { consumes: 0 } : { objArg: k, objFrom: 'self' as const, consumes: k }), family: 'skb', ...(arity === undefined ? {} : { arity }) }))),
  ...['kmalloc', 'kzalloc', 'kcalloc', 'kmalloc_array', 'kvmalloc', 'kvzalloc', 'vmalloc', 'vzalloc', 'kmemdup', 'kstrdup']
    .map((name) => ref(name, 'alloc', { success: 'nonnull', family: 'kmalloc' })),
  ref('kmem_cache_alloc', 'alloc', { success: 'nonnull', family: 'kmem-cache' }),
  ref('kmem_cache_zalloc', 'alloc', { success: 'nonnull', family: 'kmem-cache' }),
  ...['kfree', 'kvfree', 'vfree', 'kfree_sensitive'].map((name) => ref(name, 'free', { family: 'kmalloc' })),
  // kfree_rcu(p, rcu_head) frees after a grace period: readers that found p keep using it until then.
  ref('kfree_rcu', 'free', { family: 'kmalloc', deferred: true }),
  ref('kvfree_rcu', 'free', { family: 'kmalloc', deferred: true }),
  ref('kmem_cache_free', 'free', { objArg: 1, objFrom: 'self', family: 'kmem-cache' }),

  // Integer ids: ida_alloc*(ida, …) and idr_alloc*(idr, ptr, …) return an id or a negative errno;
  // ida_free / idr_remove give it back.
  ...['ida_alloc', 'ida_alloc_min', 'ida_alloc_max', 'ida_alloc_range', 'ida_simple_get']
    .map((name) => ref(name, 'alloc', { handle: true, invalid: '<0', poolArg: 0, family: 'ida' })),
  ...['ida_free', 'ida_simple_remove'].map((name) => ref(name, 'free', { objArg: 1, objFrom: 'self', handle: true, family: 'ida' })),
  // (idr_alloc links `ptr` into the tree: apis/mutators.ts.)
  ...['idr_alloc', 'idr_alloc_cyclic'].map((name) => ref(name, 'alloc', { handle: true, invalid: '<0', poolArg: 0, family: 'idr' })),
  ref('idr_remove', 'free', { objArg: 1, objFrom: 'self', handle: true, family: 'idr' }),
];
