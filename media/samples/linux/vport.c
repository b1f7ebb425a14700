/*
 * Sample: Linux kernel datapath vport code in the style of net/openvswitch.
 * Written for Lockstep's demo; one deliberate bug (a device reference leak).
 */
#include <linux/netdevice.h>
#include <linux/spinlock.h>

struct datapath {
	spinlock_t lock;
	struct list_head ports;
	int n_ports;
};

struct vport {
	struct list_head node;
	struct datapath *dp;
	struct net_device *dev;
	int mtu;
};

static void dp_lock(struct datapath *dp)
{
	spin_lock_bh(&dp->lock);
}

static void dp_unlock(struct datapath *dp)
{
	spin_unlock_bh(&dp->lock);
}

/* Attach: the held device is stored in the vport, which owns the reference from then on. */
int vport_attach(struct vport *vport, struct net *net, const char *name)
{
	struct net_device *dev;

	dev = dev_get_by_name(net, name);
	if (!dev)
		return -ENODEV;
	if (dev->type != ARPHRD_ETHER)
		return -EINVAL;
	vport->dev = dev;
	vport->mtu = dev->mtu;
	return 0;
}

/* Add a port under the datapath lock (through the wrappers above). */
int dp_add_port(struct datapath *dp, struct vport *vport)
{
	int err = 0;

	dp_lock(dp);
	if (dp->n_ports >= 1024) {
		err = -EFBIG;
		goto out;
	}
	list_add_tail_rcu(&vport->node, &dp->ports);
	vport->dp = dp;
	dp->n_ports++;
out:
	dp_unlock(dp);
	return err;
}

/* Try-lock from softirq context: skip the update when the lock is busy. */
void dp_touch(struct datapath *dp)
{
	if (!spin_trylock(&dp->lock))
		return;
	dp->n_ports += 0;
	spin_unlock(&dp->lock);
}
