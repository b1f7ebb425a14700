// The OVS_REF_COUNT proposal from the seed thread, in the reading with no lock around its
// count-and-mark decisions (the thread never shows the macros' bodies: the listing says so).

import { ListingBuilder, protocolUri } from '../../model/builder';
import type { ProtocolDefinition } from '../protocol';

const NAME = 'seed-refcount-api';

const LISTING = `/*
 * seed-refcount-api: the OVS_REF_COUNT proposal quoted in the seed thread,
 * in one reading of it (below): no lock around its decisions.
 *
 * THE THREAD'S WORDS (Samuel Ghinet's proposal of 6 Aug 2014, quoted in the
 * reply):
 *
 *   * The OVS_REF_COUNT must be initialized to 0 at object creation.
 *   * Assign a destruction function to the func ptr "Destroy" of OVS_REF_COUNT.
 *   * When you need to retrieve a ptr to an OVS_FLOW, from the list, you must
 *     do the following:
 *   *** lock the OVS_FLOW list for read (obviously)
 *   *** do the lookup: a ptr to an existing OVS_FLOW, pFlow, is found.
 *   *** call "OVS_REFCOUNT_REFERENCE(pFlow);" - by doing so, you deny
 *     destruction of pFlow, while the object is referenced, ensuring that you
 *     keep a valid pointer to a flow.
 *   *** unlock the list
 *   *** return pFlow.
 *   * When you no longer need the ptr, use "OVS_REFCOUNT_DEREFERENCE(pFlow);"
 *   * When you need to do deferred deletion, call "OVS_REFCOUNT_DESTROY(pFlow);":
 *     this will mark the pFlow for deletion. If the object is not referenced,
 *     it will be destroyed immediately. Otherwise, it will be destroyed when
 *     the refCount = 0.
 *
 * OUR READING (the thread never shows the macros' bodies, nor the put):
 *
 *   - REFERENCE and the count's decrement are Interlocked operations;
 *   - DEREFERENCE decrements, then tests "count 0" and "marked" in two
 *     separate steps, with no lock;
 *   - DESTROY sets the mark, then tests "count 0", with no lock;
 *   - the put finds the flow under the list's write lock, unlinks it, unlocks,
 *     then calls DESTROY;
 *   - the "deleted" mark is the flow's flag (INACTIVE = marked).
 *
 * WHAT THE MODEL CHECKER FINDS in this reading (1 packet, 1 put is enough):
 * the packet's decrement reaches 0 while the put marks the flow; both then
 * see "count 0 and marked" and both destroy it (double-free); or the put
 * destroys it between the packet's decrement and its read of rc->deleted,
 * which then reads freed memory (use-after-free). These are findings about
 * the unlocked reading, not about the proposal as such: with a lock around
 * each decision (seed-refcount-api-locked) the same calls are safe.
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
    title: 'OVS_REF_COUNT proposal, read with no lock in DEREFERENCE/DESTROY',
    summary: 'Count from 0; REFERENCE after lookup under the list read lock; DEREFERENCE when done; DESTROY marks and destroys when unreferenced. Count and mark are checked in separate steps.',
    listingUri: protocolUri(NAME),
  },
  listing: LISTING,
  model,
};
