import type { FlowTableApis } from './types';

/**
 * Built-in flow-table functions of the three Open vSwitch datapaths, for compiling C into the
 * simulator's step programs (src/core/extract). A project's `lockstep.json` `flowTable` adds names
 * (each with the plain meaning of its group); the semantics below are what the real functions do,
 * read from the OVS tree:
 *
 * - Windows (datapath-windows/ovsext/Flow.c): `OvsLookupFlow` walks the bucket and returns the flow
 *   without taking a reference; `AddFlow` links a prepared flow; `RemoveFlow(dp, &flow)` unlinks
 *   (RemoveEntryList) AND frees at once (FreeFlow), then sets the caller's pointer to NULL;
 *   `FreeFlow` frees.
 * - Linux (net/openvswitch/flow_table.c): `ovs_flow_tbl_lookup*` return the flow under RCU without a
 *   reference; `ovs_flow_tbl_remove` only unlinks (hlist_del_rcu); `ovs_flow_free(flow, deferred)`
 *   frees after a grace period (call_rcu) when `deferred` is true, at once when false.
 * - dpif-netdev (lib/dpif-netdev.c): `dp_netdev_pmd_lookup_flow` returns the flow without a
 *   reference; `dp_netdev_flow_add` links a new flow holding the table's reference;
 *   `dp_netdev_pmd_remove_flow` unlinks (cmap_remove), marks the flow dead and drops the table's
 *   reference (`dp_netdev_flow_unref`); `dp_netdev_flow_unref` frees through `ovsrcu_postpone` (after
 *   a grace period) when the count drops to 0.
 */

/** What one flow-table call does to the model, in order. */
export type FlowTableEffect =
  | 'lookup'
  | 'insert'
  | 'unlink'
  | 'free'
  /** Free after an RCU grace period (call_rcu, ovsrcu_postpone). */
  | 'deferredFree'
  /** Free after a grace period when the `deferredArg` argument is not false/0, else at once. */
  | 'freeMaybeDeferred'
  | 'markDead'
  /** Atomic decrement; at 0 a deferred free (dp_netdev_flow_unref). */
  | 'unrefDeferred'
  /** Atomic increment (a reference taken). */
  | 'ref'
  | 'use';

export interface FlowTableApi {
  name: string;
  effects: FlowTableEffect[];
  /** For `freeMaybeDeferred`: the argument that says whether the free is deferred. */
  deferredArg?: number;
  /** Lookups that skip flows flagged INACTIVE (set per project by a `lockstep-sim:` directive). */
  activeOnly?: boolean;
  /** The RCU flavour a deferred free waits for ('rcu' for the kernel, 'ovsrcu' for userspace). */
  rcu?: string;
  /** Takes the caller's pointer by address (`RemoveFlow(dp, &flow)`) and sets it to NULL. */
  clearsPointer?: boolean;
}

const api = (name: string, effects: FlowTableEffect[], extra: Partial<FlowTableApi> = {}): FlowTableApi => ({ name, effects, ...extra });

export const FLOW_TABLE_BUILTINS: readonly FlowTableApi[] = [
  // OVS Windows
  api('OvsLookupFlow', ['lookup']),
  api('AddFlow', ['insert']),
  api('OvsAddFlow', ['insert']),
  api('RemoveFlow', ['unlink', 'free'], { clearsPointer: true }),
  api('FreeFlow', ['free']),
  api('OvsActionsExecute', ['use']),
  api('OvsDoExecuteActions', ['use']),
  api('OvsFlowUsed', ['use']),
  // Linux kernel datapath
  api('ovs_flow_tbl_lookup', ['lookup']),
  api('ovs_flow_tbl_lookup_stats', ['lookup']),
  api('ovs_flow_tbl_lookup_exact', ['lookup']),
  api('ovs_flow_tbl_lookup_ufid', ['lookup']),
  api('ovs_flow_tbl_insert', ['insert']),
  api('ovs_flow_tbl_remove', ['unlink']),
  api('ovs_flow_free', ['freeMaybeDeferred'], { deferredArg: 1, rcu: 'rcu' }),
  api('ovs_flow_stats_update', ['use']),
  api('ovs_execute_actions', ['use']),
  // dpif-netdev (userspace)
  api('dp_netdev_pmd_lookup_flow', ['lookup']),
  api('dp_netdev_lookup_flow', ['lookup']),
  api('dp_netdev_flow_add', ['insert']),
  api('dp_netdev_pmd_remove_flow', ['unlink', 'markDead', 'unrefDeferred'], { rcu: 'ovsrcu' }),
  api('dp_netdev_flow_unref', ['unrefDeferred'], { rcu: 'ovsrcu' }),
  api('dp_netdev_flow_used', ['use']),
  api('dp_netdev_execute_actions', ['use']),
  // Generic list unlinks: only when an argument is a field of a flow (`&flow->ListEntry`).
  api('RemoveEntryList', ['unlink']),
  api('list_del', ['unlink']),
  api('list_del_init', ['unlink']),
  api('list_del_rcu', ['unlink']),
  api('hlist_del', ['unlink']),
  api('hlist_del_rcu', ['unlink']),
  api('hlist_del_init_rcu', ['unlink']),
  api('cmap_remove', ['unlink']),
  api('hmap_remove', ['unlink']),
  // Deferred frees of a flow
  api('call_rcu', ['deferredFree'], { rcu: 'rcu' }),
  api('kfree_rcu', ['deferredFree'], { rcu: 'rcu' }),
  api('ovsrcu_postpone', ['deferredFree'], { rcu: 'ovsrcu' }),
];

/** The built-in names grouped the way `lockstep.json` groups them (for hosts that show or merge them). */
export function builtinFlowTableApis(): FlowTableApis {
  const groups: FlowTableApis = { lookup: [], insert: [], remove: [], free: [], use: [] };
  for (const a of FLOW_TABLE_BUILTINS) {
    if (a.effects.includes('lookup')) groups.lookup.push(a.name);
    else if (a.effects.includes('insert')) groups.insert.push(a.name);
    else if (a.effects.includes('unlink')) groups.remove.push(a.name);
    else if (a.effects.includes('use')) groups.use.push(a.name);
    else groups.free.push(a.name);
  }
  return groups;
}

/**
 * Built-ins plus a project's `flowTable` names. A configured name keeps its group's plain meaning:
 * lookup, insert, remove (unlink only), free, use; it replaces a built-in of the same name.
 */
export function flowTableIndex(config: FlowTableApis | undefined, activeOnly: readonly string[] = []): Map<string, FlowTableApi> {
  const index = new Map<string, FlowTableApi>(FLOW_TABLE_BUILTINS.map((a) => [a.name, { ...a }]));
  if (config !== undefined) {
    for (const name of config.lookup) index.set(name, api(name, ['lookup']));
    for (const name of config.insert) index.set(name, api(name, ['insert']));
    for (const name of config.remove) index.set(name, api(name, ['unlink']));
    for (const name of config.free) index.set(name, api(name, ['free']));
    for (const name of config.use) index.set(name, api(name, ['use']));
  }
  for (const name of activeOnly) {
    const a = index.get(name) ?? api(name, ['lookup']);
    index.set(name, { ...a, activeOnly: true });
  }
  return index;
}
