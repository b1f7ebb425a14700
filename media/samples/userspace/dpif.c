/*
 * Sample: OVS userspace datapath code in the style of lib/dpif-netdev.c.
 * Written for Lockstep's demo; one deliberate bug (a write under a read lock).
 */
#include "ovs-thread.h"
#include "openvswitch/hmap.h"
#include "netdev.h"

struct dp_netdev {
    struct ovs_mutex port_mutex;
    struct ovs_rwlock flow_rwlock;
    struct hmap flows;
    struct hmap ports;
};

struct dp_netdev_flow {
    struct hmap_node node;
    int n_packets;
};

/* Expire a flow: removes it from the table while holding only the read lock. */
void
dp_netdev_expire_flow(struct dp_netdev *dp, struct dp_netdev_flow *flow)
{
    ovs_rwlock_rdlock(&dp->flow_rwlock);
    hmap_remove(&dp->flows, &flow->node);
    ovs_rwlock_unlock(&dp->flow_rwlock);
}

/* Port MTU: netdev reference taken and dropped on every path. */
int
dp_netdev_port_mtu(struct dp_netdev *dp, const char *devname, int *mtup)
{
    struct netdev *netdev;
    int error;

    ovs_mutex_lock(&dp->port_mutex);
    error = netdev_open(devname, "system", &netdev);
    if (error) {
        ovs_mutex_unlock(&dp->port_mutex);
        return error;
    }
    error = netdev_get_mtu(netdev, mtup);
    netdev_close(netdev);
    ovs_mutex_unlock(&dp->port_mutex);
    return error;
}

/* Flow stats: a failed try-ref means the flow is being deleted. */
int
dp_netdev_flow_packets(struct dp_netdev_flow *flow)
{
    int n;

    if (!dp_netdev_flow_ref(flow)) {
        return -1;
    }
    n = flow->n_packets;
    dp_netdev_flow_unref(flow);
    return n;
}
