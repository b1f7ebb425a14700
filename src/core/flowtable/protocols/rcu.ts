// The Linux datapath's scheme: readers under rcu_read_lock never block; removal unlinks under
// ovs_mutex and frees after a grace period.

import { ListingBuilder, protocolUri } from '../../model/builder';
import type { ProtocolDefinition } from '../protocol';

const NAME = 'rcu';

const LISTING = `/*
 * rcu: how the Linux kernel datapath (net/openvswitch) keeps flows alive.
 * Packets run inside an RCU read-side critical section and never block or
 * write shared state; flow removal unlinks the flow under ovs_mutex and frees
 * it only after a grace period, when every reader that might still see it
 * has left its read-side section (ovs_flow_free -> call_rcu; modelled as
 * synchronize_rcu followed by the free).
 *
 * What the model checker finds: no violation.
 * Price: the packet path takes no lock that can block; the writer waits for
 * readers (here: synchronize_rcu), and memory is reclaimed late.
 */

/* Packet path: ovs_dp_process_packet(), called under rcu_read_lock() */
void
ovs_packet_path(struct datapath *dp, struct sw_flow_key *key)
{
    struct sw_flow *flow;

    rcu_read_lock();
    flow = ovs_flow_tbl_lookup_stats(&dp->table, key, skb_get_hash(skb), &n_mask_hit, &n_cache_hit);
    if (unlikely(!flow)) {
        goto out;                              /* upcall (not modelled) */
    }
    ovs_flow_stats_update(flow, key->tp.flags, skb);
    ovs_execute_actions(dp, skb, rcu_dereference(flow->sf_acts), key);
out:
    rcu_read_unlock();
}

/* Flow delete: ovs_flow_cmd_del() */
int
ovs_flow_delete(struct datapath *dp, struct sw_flow_match *match)
{
    struct sw_flow *flow;

    ovs_lock();                                /* mutex_lock(&ovs_mutex) */
    flow = ovs_flow_tbl_lookup_exact(&dp->table, match);
    if (unlikely(!flow)) {
        ovs_unlock();                          /* -ENOENT */
        return -ENOENT;
    }
    ovs_flow_tbl_remove(&dp->table, flow);     /* hlist_del_rcu: readers may still hold it */
    ovs_unlock();
    synchronize_rcu();                         /* ovs_flow_free(flow, true) defers via call_rcu */
    ovs_flow_free(flow);                       /* after the grace period: no reader left */
    return 0;
}
`;

function model(): ReturnType<ProtocolDefinition['model']> {
  const l = new ListingBuilder(protocolUri(NAME), LISTING);
  const packet = l
    .fn('ovs_packet_path', 'ovs_packet_path(struct datapath')
    .at('rcu_read_lock();').acquire('rcu', 'read')
    .at('flow = ovs_flow_tbl_lookup_stats').lookup('F', 'flow', false)
    .at('if (unlikely(!flow))').jump({ kind: 'null', flow: 'flow' }, 'out')
    .at('ovs_flow_stats_update').use('flow', 'stats')
    .at('ovs_execute_actions').use('flow', 'actions')
    .label('out').at('rcu_read_unlock').release('rcu')
    .build();
  const put = l
    .fn('ovs_flow_delete', 'ovs_flow_delete(struct datapath')
    .at('ovs_lock();').acquire('ovs_mutex', 'write')
    .at('flow = ovs_flow_tbl_lookup_exact').lookup('F', 'flow', false)
    .at('if (unlikely(!flow))').jump({ kind: 'null', flow: 'flow' }, 'none')
    .at('ovs_flow_tbl_remove').unlink('flow')
    .at('ovs_unlock();').release('ovs_mutex')
    .at('synchronize_rcu').synchronize('rcu')
    .at('ovs_flow_free(flow);').free('flow')
    .ret()
    .label('none').at('-ENOENT */').release('ovs_mutex')
    .ret()
    .build();
  return {
    name: NAME,
    listingUri: protocolUri(NAME),
    locks: [
      { name: 'rcu', kind: 'rcu' },
      { name: 'ovs_mutex', kind: 'mutex' },
    ],
    initialRefcount: 0,
    packet: { name: 'packet', entry: packet.name, functions: [packet] },
    put: { name: 'put', entry: put.name, functions: [put] },
  };
}

export const rcu: ProtocolDefinition = {
  info: {
    name: NAME,
    title: 'RCU (Linux datapath)',
    summary: 'Readers under rcu_read_lock never block; delete unlinks under ovs_mutex and frees after a grace period.',
    listingUri: protocolUri(NAME),
  },
  listing: LISTING,
  model,
};
