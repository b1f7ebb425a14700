// The seed workflow corrected: atomic refcount ops, the put unlinks at once, packets never take the
// write lock. The listing says what changed and why.

import { ListingBuilder, protocolUri } from '../../model/builder';
import type { ProtocolDefinition } from '../protocol';

const NAME = 'seed-workflow-fixed';

const LISTING = `/*
 * seed-workflow-fixed: the reply's workflow with its flaws removed.
 *
 * CHANGE 1 - the increment under the read lock is InterlockedIncrement.
 *   Packets hold the table lock *shared*, so a plain load + store loses
 *   updates when two packets look the flow up at once. An atomic increment
 *   needs no exclusive lock.
 *
 * CHANGE 2 - the put unlinks the flow at once, under the write lock, and then
 *   drops the table's reference. Lookups happen under the read lock, so once
 *   the put releases the write lock no lookup can find the flow again (no
 *   stale lookup, whatever the count was), and no new reference can be taken
 *   on it. The "mark INACTIVE when the count is 1" rule is no longer needed.
 *
 * CHANGE 3 - packets drop their reference with InterlockedDecrement and no
 *   table lock at all. Whoever takes the count to 0 frees the flow; that can
 *   only happen after the put has unlinked it (the table's own reference keeps
 *   the count >= 1 until then), so the free never races a lookup.
 *
 * Price: one shared lock per packet, never the write lock; the put takes the
 * write lock once. The model checker finds no violation of any invariant for
 * up to 3 packets and 2 puts, exhaustively.
 */

NDIS_RW_LOCK_EX *table;                        /* the flow table's lock */

/* Walks the bucket for key; the caller holds table (read or write). */
OVS_FLOW *FlowLookup(OVS_FLOW_KEY *key);

/* Context #1: packet processing */
VOID
PacketContext(OVS_FLOW_KEY *key)
{
    LOCK_STATE_EX ls;
    OVS_FLOW *flow;

    NdisAcquireRWLockRead(table, &ls, 0);      /* 1. Lock Flowtable (read) */
    flow = FlowLookup(key);                    /* 2. lookup */
    if (flow == NULL) {
        NdisReleaseRWLock(table, &ls);         /*    no flow: unlock (upcall not modelled) */
        return;
    }
    InterlockedIncrement(&flow->refCount);     /*    CHANGE 1: atomic under the shared lock */
    NdisReleaseRWLock(table, &ls);             /* 3. Unlock Flowtable */

    OvsActionsExecute(flow);                   /* 4. Process the packet using the flow */

    if (InterlockedDecrement(&flow->refCount) == 0) {  /* CHANGE 3: no write lock */
        FreeFlow(flow);                        /*    last reference: the put unlinked it already */
    }
}

/* Context #2: flow put (delete) */
VOID
FlowPutContext(OVS_FLOW_KEY *key)
{
    LOCK_STATE_EX ls;
    OVS_FLOW *flow;

    NdisAcquireRWLockWrite(table, &ls, 0);     /* 1. Lock Flowtable (write) */
    flow = FlowLookup(key);                    /*    the flow to delete */
    if (flow == NULL) {
        NdisReleaseRWLock(table, &ls);         /*    already deleted: nothing to do */
        return;
    }
    RemoveEntryList(&flow->link);              /* CHANGE 2: unlink now, under the write lock */
    NdisReleaseRWLock(table, &ls);             /* 3. Unlock Flowtable */

    if (InterlockedDecrement(&flow->refCount) == 0) {  /* drop the table's reference */
        FreeFlow(flow);                        /*    no packet holds it: free now */
    }                                          /*    else the last packet frees it */
}
`;

function model(): ReturnType<ProtocolDefinition['model']> {
  const l = new ListingBuilder(protocolUri(NAME), LISTING);
  const packet = l
    .fn('PacketContext', 'PacketContext(OVS_FLOW_KEY')
    .at('1. Lock Flowtable (read)').acquire('table', 'read')
    .at('2. lookup').lookup('F', 'flow', true)
    .at('if (flow == NULL)').jump({ kind: 'null', flow: 'flow' }, 'none')
    .at('InterlockedIncrement').refAtomic('flow', 1)
    .at('3. Unlock').release('table')
    .at('4. Process').use('flow', 'actions')
    .at('InterlockedDecrement').refAtomic('flow', -1, 'n')
    .jump({ kind: 'value', reg: 'n', op: '!=', value: 0 }, 'end')
    .at('FreeFlow').free('flow')
    .label('end').ret()
    .label('none').at('no flow: unlock').release('table')
    .ret()
    .build();
  const put = l
    .fn('FlowPutContext', 'FlowPutContext(OVS_FLOW_KEY')
    .at('1. Lock Flowtable (write)').acquire('table', 'write')
    .at('the flow to delete').lookup('F', 'flow', true)
    .at('if (flow == NULL)').jump({ kind: 'null', flow: 'flow' }, 'none')
    .at('RemoveEntryList').unlink('flow')
    .at('3. Unlock').release('table')
    .at('InterlockedDecrement').refAtomic('flow', -1, 'n')
    .jump({ kind: 'value', reg: 'n', op: '!=', value: 0 }, 'end')
    .at('FreeFlow').free('flow')
    .label('end').ret()
    .label('none').at('already deleted').release('table')
    .ret()
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

export const seedWorkflowFixed: ProtocolDefinition = {
  info: {
    name: NAME,
    title: 'The seed workflow, corrected',
    summary: 'Atomic increment under the read lock; the put unlinks under the write lock then drops the table reference; packets drop theirs atomically without the write lock.',
    listingUri: protocolUri(NAME),
  },
  listing: LISTING,
  model,
};
