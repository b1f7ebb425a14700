// The OVS_REF_COUNT proposal with an internal spin lock around each count-and-mark decision.

import { ListingBuilder, protocolUri } from '../../model/builder';
import type { ProtocolDefinition } from '../protocol';

const NAME = 'seed-refcount-api-locked';

const LISTING = `/*
 * seed-refcount-api-locked: the OVS_REF_COUNT proposal (its words are quoted
 * in seed-refcount-api) in another reading of the macros the thread never
 * shows - ours: a spin lock in the OVS_REF_COUNT makes "change the count, read
 * the mark" and "set the mark, read the count" each one atomic decision. Exactly one of the last
 * DEREFERENCE and DESTROY sees "count 0 and marked", so the flow is destroyed
 * once, after its last use; the destroy itself runs after the lock is
 * dropped, so nobody takes a lock inside freed memory.
 *
 * (One flow is simulated, so its rc->lock is modelled as a single lock named
 * rc.lock.)
 *
 * What the model checker finds: no violation (1-3 packets, 1-2 puts).
 * Price: every packet takes the spin lock once more, on the release path.
 */

typedef struct _OVS_REF_COUNT {
    LONG refCount;                             /* starts at 0 */
    BOOLEAN deleted;                           /* set by OVS_REFCOUNT_DESTROY */
    NDIS_SPIN_LOCK lock;                       /* guards the count-and-mark decision */
    VOID (*Destroy)(PVOID obj);
} OVS_REF_COUNT;

#define OVS_REFCOUNT_REFERENCE(rc)  InterlockedIncrement(&(rc)->refCount)

VOID
OVS_REFCOUNT_DEREFERENCE(OVS_REF_COUNT *rc, PVOID obj)
{
    LONG n;
    BOOLEAN live;

    NdisAcquireSpinLock(&rc->lock);            /* DEREFERENCE: one decision */
    n = InterlockedDecrement(&rc->refCount);
    live = !rc->deleted;                       /* read the mark under the same lock */
    NdisReleaseSpinLock(&rc->lock);            /* DEREFERENCE done deciding */
    if (n == 0 && !live) {                     /* last reference of a marked flow */
        rc->Destroy(obj);                      /* DEREFERENCE destroys */
    }
}

VOID
OVS_REFCOUNT_DESTROY(OVS_REF_COUNT *rc, PVOID obj)
{
    LONG n;

    NdisAcquireSpinLock(&rc->lock);            /* DESTROY: one decision */
    rc->deleted = TRUE;                        /* mark for deferred deletion */
    n = rc->refCount;                          /* read the count under the same lock */
    NdisReleaseSpinLock(&rc->lock);            /* DESTROY done deciding */
    if (n == 0) {                              /* not referenced: */
        rc->Destroy(obj);                      /* DESTROY destroys at once */
    }
}

NDIS_RW_LOCK_EX *flowList;                     /* the OVS_FLOW list's lock */

/* packet: retrieve a pointer to a flow from the list, use it, let it go */
VOID
PacketContext(OVS_FLOW_KEY *key)
{
    LOCK_STATE_EX ls;
    OVS_FLOW *flow;

    NdisAcquireRWLockRead(flowList, &ls, 0);   /* lock the OVS_FLOW list for read */
    flow = FlowLookup(key);                    /* do the lookup */
    if (flow == NULL) {
        NdisReleaseRWLock(flowList, &ls);      /* no flow: unlock */
        return;
    }
    OVS_REFCOUNT_REFERENCE(&flow->rc);         /* deny destruction while referenced */
    NdisReleaseRWLock(flowList, &ls);          /* unlock the list */

    OvsActionsExecute(flow);                   /* use the flow */

    OVS_REFCOUNT_DEREFERENCE(&flow->rc, flow); /* no longer needed */
}

/* put (delete): unlink from the list, then deferred deletion */
VOID
FlowDeleteContext(OVS_FLOW_KEY *key)
{
    LOCK_STATE_EX ls;
    OVS_FLOW *flow;

    NdisAcquireRWLockWrite(flowList, &ls, 0);
    flow = FlowLookup(key);
    if (flow == NULL) {
        NdisReleaseRWLock(flowList, &ls);      /* nothing to delete */
        return;
    }
    RemoveEntryList(&flow->link);              /* no new lookup can find it */
    NdisReleaseRWLock(flowList, &ls);          /* unlock */

    OVS_REFCOUNT_DESTROY(&flow->rc, flow);     /* destroyed now or by the last DEREFERENCE */
}
`;

function model(): ReturnType<ProtocolDefinition['model']> {
  const l = new ListingBuilder(protocolUri(NAME), LISTING);
  const deref = l
    .fn('OVS_REFCOUNT_DEREFERENCE', 'OVS_REFCOUNT_DEREFERENCE(OVS_REF_COUNT *rc')
    .at('DEREFERENCE: one decision').acquire('rc.lock', 'write')
    .at('InterlockedDecrement').refAtomic('flow', -1, 'n')
    .at('live = !rc->deleted').flagRead('flow', 'live')
    .at('DEREFERENCE done deciding').release('rc.lock')
    .at('if (n == 0 && !live)').jump({ kind: 'value', reg: 'n', op: '!=', value: 0 }, 'out')
    .jump({ kind: 'value', reg: 'live', op: '!=', value: 0 }, 'out')
    .at('DEREFERENCE destroys').free('flow')
    .label('out').ret()
    .build();
  const destroy = l
    .fn('OVS_REFCOUNT_DESTROY', 'OVS_REFCOUNT_DESTROY(OVS_REF_COUNT *rc')
    .at('DESTROY: one decision').acquire('rc.lock', 'write')
    .at('rc->deleted = TRUE').flagWrite('flow', 'INACTIVE')
    .at('n = rc->refCount').refLoad('flow', 'n')
    .at('DESTROY done deciding').release('rc.lock')
    .at('if (n == 0)').jump({ kind: 'value', reg: 'n', op: '!=', value: 0 }, 'out')
    .at('DESTROY destroys').free('flow')
    .label('out').ret()
    .build();
  const packet = l
    .fn('PacketContext', 'PacketContext(OVS_FLOW_KEY')
    .at('NdisAcquireRWLockRead').acquire('flowList', 'read')
    .at('do the lookup').lookup('F', 'flow', false)
    .at('if (flow == NULL)').jump({ kind: 'null', flow: 'flow' }, 'none')
    .at('OVS_REFCOUNT_REFERENCE(&flow->rc)').refAtomic('flow', 1)
    .at('unlock the list').release('flowList')
    .at('use the flow').use('flow', 'actions')
    .at('OVS_REFCOUNT_DEREFERENCE(&flow->rc, flow)').call('OVS_REFCOUNT_DEREFERENCE')
    .ret()
    .label('none').at('no flow: unlock').release('flowList')
    .ret()
    .build();
  const put = l
    .fn('FlowDeleteContext', 'FlowDeleteContext(OVS_FLOW_KEY')
    .at('NdisAcquireRWLockWrite').acquire('flowList', 'write')
    .at('flow = FlowLookup').lookup('F', 'flow', false)
    .at('if (flow == NULL)').jump({ kind: 'null', flow: 'flow' }, 'none')
    .at('RemoveEntryList').unlink('flow')
    .at('NdisReleaseRWLock').release('flowList')
    .at('OVS_REFCOUNT_DESTROY(&flow->rc, flow)').call('OVS_REFCOUNT_DESTROY')
    .ret()
    .label('none').at('nothing to delete').release('flowList')
    .ret()
    .build();
  return {
    name: NAME,
    listingUri: protocolUri(NAME),
    locks: [
      { name: 'flowList', kind: 'rw' },
      { name: 'rc.lock', kind: 'mutex' },
    ],
    initialRefcount: 0,
    packet: { name: 'packet', entry: packet.name, functions: [packet, deref] },
    put: { name: 'put', entry: put.name, functions: [put, destroy] },
  };
}

export const seedRefcountApiLocked: ProtocolDefinition = {
  info: {
    name: NAME,
    title: 'OVS_REF_COUNT proposal with its internal lock',
    summary: 'As the proposal, with a spin lock making DEREFERENCE\'s "decrement, read the mark" and DESTROY\'s "mark, read the count" single decisions.',
    listingUri: protocolUri(NAME),
  },
  listing: LISTING,
  model,
};
