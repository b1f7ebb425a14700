import { mutators } from './define';
import type { MutatorApi } from './types';

/**
 * Calls that modify a shared structure, with the argument that names it. Under a lock held only
 * for reading these are `write-under-read`. For node-only calls (`list_del(&e->node)`,
 * `RemoveEntryList(&e->link)`) the node is the only argument; the engine relates it to the lock
 * of the object that owns the container.
 */
export const MUTATORS: MutatorApi[] = [
  // OVS userspace containers: the container is the first argument.
  ...mutators(0, 'hmap_insert', 'hmap_insert_fast', 'hmap_remove', 'hmap_replace', 'hmap_clear', 'hmap_destroy',
    'hmap_expand', 'hmap_shrink', 'hmap_reserve', 'hmap_remove_and_shrink'),
  ...mutators(0, 'cmap_insert', 'cmap_remove', 'cmap_replace', 'cmap_destroy'),
  ...mutators(0, 'hindex_insert', 'hindex_insert_fast', 'hindex_remove', 'hindex_clear', 'hindex_destroy'),
  ...mutators(0, 'ovs_list_insert', 'ovs_list_splice', 'ovs_list_push_front', 'ovs_list_push_back', 'ovs_list_push_back_all',
    'ovs_list_remove', 'ovs_list_pop_front', 'ovs_list_pop_back'),
  // ovs_list_replace(element, position): `position` is the node that leaves its list.
  ...mutators(1, 'ovs_list_replace'),
  // Pre-2.5 OVS spelled the list API without the ovs_ prefix.
  ...mutators(0, 'list_insert', 'list_push_front', 'list_push_back', 'list_remove', 'list_pop_front', 'list_pop_back'),

  // Linux lists and hash lists: list_add(new, head) modifies `head`'s list; list_del(entry) the entry's.
  ...mutators(1, 'list_add', 'list_add_tail', 'list_add_rcu', 'list_add_tail_rcu', 'list_move', 'list_move_tail',
    'list_splice', 'list_splice_init', 'list_splice_tail', 'list_splice_tail_init', 'hlist_add_head', 'hlist_add_head_rcu',
    'hlist_add_before', 'hlist_add_behind', 'hlist_add_before_rcu', 'hlist_add_behind_rcu'),
  ...mutators(0, 'list_del', 'list_del_init', 'list_del_rcu', 'list_replace', 'list_replace_init', 'list_replace_rcu',
    'hlist_del', 'hlist_del_init', 'hlist_del_rcu', 'hlist_del_init_rcu', 'hlist_replace_rcu', 'hash_add', 'hash_add_rcu',
    'hash_del', 'hash_del_rcu'),
  ...mutators(1, 'rb_erase', 'rb_insert_color'),
  // idr_alloc(idr, ptr, start, end, gfp): `ptr` is kept in the tree under its new id.
  ...mutators(0, 'idr_alloc', 'idr_alloc_cyclic'),
  ...mutators(2, 'rb_replace_node'),

  // Windows LIST_ENTRY helpers.
  ...mutators(0, 'RemoveEntryList', 'RemoveHeadList', 'RemoveTailList', 'InsertHeadList', 'InsertTailList', 'AppendTailList',
    'PushEntryList', 'PopEntryList'),

  // Freeing an object others may be reading is the worst write of all.
  ...mutators(0, 'free', 'kfree', 'kvfree', 'vfree', 'kfree_rcu', 'ExFreePool', 'ExFreePoolWithTag', 'NdisFreeMemory',
    'NdisFreeMemoryWithTag', 'OvsFreeMemory', 'OvsFreeMemoryWithTag'),
];
