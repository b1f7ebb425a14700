// The OVS_REF_COUNT proposal from the seed thread, as proposed: no lock around the count-and-flag check.

import { ListingBuilder, protocolUri } from '../../model/builder';
import type { ProtocolDefinition } from '../protocol';

const NAME = 'seed-refcount-api';

const LISTING = `/*
 * seed-refcount-api: the OVS_REF_COUNT proposal quoted in the seed thread.
 *
 *   "The OVS_REF_COUNT must be initialized to 0 at object creation."
 *   "lock the OVS_FLOW list for read, do the lookup, call OVS_REFCOUNT_REFERENCE,
 *    unlock the list." - "When you no longer need the ptr, use
 *    OVS_REFCOUNT_DEREFERENCE." - "OVS_REFCOUNT_DESTROY: mark the object for
 *    deletion. If the object is not referenced, it will be destroyed
 *    immediately. Otherwise, it will be destroyed when the refCount = 0."
 *
 * The "deleted" mark is modelled as the flow's flag (INACTIVE = marked).
 * The count is changed with Interlocked operations, but DEREFERENCE and
 * DESTROY each test *two* fields (count and mark) in separate steps.
 *
 * What the model checker finds (1 packet, 1 put is enough): the packet's
 * decrement reaches 0 while the put marks the flow; both then see
 * "count 0 and marked" and both destroy it (double-free); or the put destroys
 * it between the packet's decrement and its read of rc->deleted, which then
 * reads freed memory (use-after-free).
 */

typedef struct _OVS_REF_COUNT {
    LONG refCount;                             /* starts at 0 */
    BOOLEAN deleted;                           /* set by OVS_REFCOUNT_DESTROY */
    VOID (*Destroy)(PVOID obj);
} OVS_REF_COUNT;

#define OVS_REFCOUNT_REFERENCE(rc)  InterlockedIncrement(&(rc)->refCount)

VOID
OVS_REFCOUNT_DEREFERENCE(OVS_REF_COUNT *rc, PVOID obj)
{
    LONG n = InterlockedDecrement(&rc->refCount);
    if (n == 0) {                              /* count and mark: two separate steps */
        if (rc->deleted) {                     /* reads the mark */
            rc->Destroy(obj);                  /* DEREFERENCE destroys */
        }
    }
}

VOID
OVS_REFCOUNT_DESTROY(OVS_REF_COUNT *rc, PVOID obj)
{
    rc->deleted = TRUE;                        /* mark for deferred deletion */
    if (rc->refCount == 0) {                   /* not referenced: */
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
    NdisReleaseRWLock(flowList, &ls);

    OVS_REFCOUNT_DESTROY(&flow->rc, flow);     /* destroyed now or by the last DEREFERENCE */
}
`;

function model(): ReturnType<ProtocolDefinition['model']> {
  const l = new ListingBuilder(protocolUri(NAME), LISTING);
  const deref = () =>
    l
      .fn('OVS_REFCOUNT_DEREFERENCE', 'OVS_REFCOUNT_DEREFERENCE(OVS_REF_COUNT *rc')
      .at('InterlockedDecrement').refAtomic('flow', -1, 'n')
      .at('if (n == 0)').jump({ kind: 'value', reg: 'n', op: '!=', value: 0 }, 'out')
      .at('if (rc->deleted)').jump({ kind: 'flag', flow: 'flow', value: 'ACTIVE' }, 'out')
      .at('DEREFERENCE destroys').free('flow')
      .label('out').ret()
      .build();
  const destroy = () =>
    l
      .fn('OVS_REFCOUNT_DESTROY', 'OVS_REFCOUNT_DESTROY(OVS_REF_COUNT *rc')
      .at('rc->deleted = TRUE').flagWrite('flow', 'INACTIVE')
      .at('if (rc->refCount == 0)').jump({ kind: 'refcount', flow: 'flow', op: '!=', value: 0 }, 'out')
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
    locks: [{ name: 'flowList', kind: 'rw' }],
    initialRefcount: 0,
    packet: { name: 'packet', entry: packet.name, functions: [packet, deref()] },
    put: { name: 'put', entry: put.name, functions: [put, destroy()] },
  };
}

export const seedRefcountApi: ProtocolDefinition = {
  info: {
    name: NAME,
    title: 'OVS_REF_COUNT proposal (no lock)',
    summary: 'Count from 0; REFERENCE after lookup under the list read lock; DEREFERENCE when done; DESTROY marks and destroys when unreferenced. Count and mark are checked in separate steps.',
    listingUri: protocolUri(NAME),
  },
  listing: LISTING,
  model,
};
