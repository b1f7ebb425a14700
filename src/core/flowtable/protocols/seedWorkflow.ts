// The reply's workflow from the seed thread, exactly as written (see the listing for what breaks).

import { ListingBuilder, protocolUri } from '../../model/builder';
import type { ProtocolDefinition } from '../protocol';

const NAME = 'seed-workflow';

const LISTING = `/*
 * seed-workflow: the packet and flow-put contexts exactly as the reply in the
 * 2014 ovs-dev thread ("[PATCH 11/15] datapath-windows: Add RefCount.h")
 * describes them. Step numbers in the comments are the reply's.
 *
 * The table has one NDIS reader-writer lock. A flow in the table holds one
 * reference for the table, so it starts with refCount == 1, flag ACTIVE.
 *
 * What the model checker finds (lockstep simulate --protocol seed-workflow):
 *
 * FLAW 1 - lost update (2 packets, 1 put). Step 2 increments the count with a
 *   plain load and store under the *shared* read lock, so two packets can both
 *   load 1 and both store 2: one reference is lost. The count then reaches 0
 *   while a packet still holds the flow - e.g. packet 1 finishes (2 -> 1) and
 *   the put takes 1 -> 0 and frees it - and packet 2 uses the freed flow
 *   (use-after-free) and its decrement takes the count to -1
 *   (negative-refcount).
 *
 * FLAW 2 - the put's decrement (3 packets, or 2 puts). With two packets
 *   holding the flow its count is 3; the put takes it to 2, which is neither 0
 *   (delete) nor 1 (mark INACTIVE), so the flow stays ACTIVE in the table
 *   after the put has returned. The next lookup - a third packet's, or a
 *   second put's - still finds the deleted flow (stale-lookup), and a second
 *   put drops a reference it never owned.
 *
 * Price: every packet takes the table's write lock (step 5), so the packet
 * fast path is serialised behind one exclusive lock.
 */

NDIS_RW_LOCK_EX *table;                        /* the flow table's lock */

/* Walks the bucket for key; returns only flows whose flag is ACTIVE.
 * The caller holds table (read or write). */
OVS_FLOW *FlowLookup(OVS_FLOW_KEY *key);

/* Context #1: packet processing */
VOID
PacketContext(OVS_FLOW_KEY *key)
{
    LOCK_STATE_EX ls;
    OVS_FLOW *flow;
    LONG n;

    NdisAcquireRWLockRead(table, &ls, 0);      /* 1. Lock Flowtable (read) */
    flow = FlowLookup(key);                    /* 2. lookup: checks the flag is ACTIVE */
    if (flow == NULL) {
        NdisReleaseRWLock(table, &ls);         /*    no flow: unlock (upcall not modelled) */
        return;
    }
    n = flow->refCount;                        /* 2. Increment the refcount on the flow: */
    flow->refCount = ++n;                      /*    load + store under a SHARED lock (FLAW 1) */
    NdisReleaseRWLock(table, &ls);             /* 3. Unlock Flowtable */

    OvsActionsExecute(flow);                   /* 4. Process the packet using the flow */

    NdisAcquireRWLockWrite(table, &ls, 0);     /* 5. Lock Flowtable (write) - every packet */
    n = flow->refCount;                        /* 6. Decrement the refcount on the flow */
    flow->refCount = --n;                      /*    (exclusive here: the write lock is held) */
    if (n == 0) {                              /*    new refcount 0: */
        RemoveEntryList(&flow->link);          /*    cleanup: delete it from the flowtable */
        FreeFlow(flow);
    }
    NdisReleaseRWLock(table, &ls);             /* 7. Unlock Flowtable */
}

/* Context #2: flow put (delete) */
VOID
FlowPutContext(OVS_FLOW_KEY *key)
{
    LOCK_STATE_EX ls;
    OVS_FLOW *flow;
    LONG n;

    NdisAcquireRWLockWrite(table, &ls, 0);     /* 1. Lock Flowtable (write) */
    flow = FlowLookup(key);                    /*    the flow to delete (ACTIVE only) */
    if (flow == NULL) {
        goto unlock;                           /*    already going away: nothing to do */
    }
    n = flow->refCount;                        /* 2. Decrement the refcount on the flow */
    flow->refCount = --n;
    if (n == 0) {                              /*    new refcount 0: */
        RemoveEntryList(&flow->link);          /*    cleanup: delete it from the flowtable */
        FreeFlow(flow);
    } else if (n == 1) {                       /*    new refcount 1: */
        flow->flag = INACTIVE;                 /*    mark the flow INACTIVE */
    }                                          /*    any other count (FLAW 2): nothing, still ACTIVE */
unlock:
    NdisReleaseRWLock(table, &ls);             /* 3. Unlock Flowtable */
}
`;

function model(): ReturnType<ProtocolDefinition['model']> {
  const l = new ListingBuilder(protocolUri(NAME), LISTING);
  const packet = l
    .fn('PacketContext', 'PacketContext(OVS_FLOW_KEY')
    .at('1. Lock Flowtable (read)').acquire('table', 'read')
    .at('2. lookup').lookup('F', 'flow', true)
    .at('if (flow == NULL)').jump({ kind: 'null', flow: 'flow' }, 'none')
    .at('2. Increment').refLoad('flow', 'n')
    .at('flow->refCount = ++n').refStore('flow', 'n', 1)
    .at('3. Unlock').release('table')
    .at('4. Process').use('flow', 'actions')
    .at('5. Lock Flowtable (write)').acquire('table', 'write')
    .at('6. Decrement').refLoad('flow', 'n')
    .at('flow->refCount = --n').refStore('flow', 'n', -1)
    .at('if (n == 0)').jump({ kind: 'value', reg: 'n', op: '!=', value: 0 }, 'unlock')
    .at('RemoveEntryList').unlink('flow')
    .at('FreeFlow').free('flow')
    .label('unlock').at('7. Unlock').release('table')
    .ret()
    .label('none').at('no flow: unlock').release('table')
    .ret()
    .build();
  const put = l
    .fn('FlowPutContext', 'FlowPutContext(OVS_FLOW_KEY')
    .at('1. Lock Flowtable (write)').acquire('table', 'write')
    .at('the flow to delete').lookup('F', 'flow', true)
    .at('if (flow == NULL)').jump({ kind: 'null', flow: 'flow' }, 'unlock')
    .at('2. Decrement').refLoad('flow', 'n')
    .at('flow->refCount = --n').refStore('flow', 'n', -1)
    .at('if (n == 0)').jump({ kind: 'value', reg: 'n', op: '!=', value: 0 }, 'notZero')
    .at('RemoveEntryList').unlink('flow')
    .at('FreeFlow').free('flow')
    .goto('unlock')
    .label('notZero').at('else if (n == 1)').jump({ kind: 'value', reg: 'n', op: '!=', value: 1 }, 'unlock')
    .at('mark the flow INACTIVE').flagWrite('flow', 'INACTIVE')
    .label('unlock').at('3. Unlock').release('table')
    .build();
  return {
    name: NAME,
    listingUri: protocolUri(NAME),
    locks: [{ name: 'table', kind: 'rw' }],
    initialRefcount: 1,
    packet: { name: 'packet', entry: packet.name, functions: [packet] },
    put: { name: 'put', entry: put.name, functions: [put] },
  };
}

export const seedWorkflow: ProtocolDefinition = {
  info: {
    name: NAME,
    title: "The seed reply's workflow, as written",
    summary: 'Packet: read-lock, lookup (ACTIVE only) + plain increment, unlock, process, write-lock, decrement, delete at 0. Put: write-lock, decrement, delete at 0, INACTIVE at 1.',
    listingUri: protocolUri(NAME),
  },
  listing: LISTING,
  model,
};
