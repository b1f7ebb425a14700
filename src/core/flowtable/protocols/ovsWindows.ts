// What Open vSwitch shipped for Windows: no per-flow refcount; the datapath's read lock is held
// across lookup, stats and actions; put/delete take the write lock and free the flow at once.

import { ListingBuilder, protocolUri } from '../../model/builder';
import type { ProtocolDefinition } from '../protocol';

const NAME = 'ovs-windows';

const LISTING = `/*
 * ovs-windows: the design Open vSwitch shipped in datapath-windows (Flow.c,
 * Datapath.c). There is no per-flow reference count. Each datapath has one
 * NDIS reader-writer lock; the packet path holds it for reading across the
 * lookup, the stats update and the execution of the actions, so a flow it
 * found cannot be deleted under it. Flow put / delete / flush take the lock
 * for writing and free the flow at once.
 *
 * What the model checker finds: no violation.
 * Price: the read lock is held for the whole packet (actions included), so a
 * flow put waits for every packet in flight, and while a put waits no new
 * packet may enter (a waiting writer blocks new readers).
 */

typedef struct _OVS_DATAPATH {
    PNDIS_RW_LOCK_EX lock;                     /* guards the flow table */
    PLIST_ENTRY flowTable;
} OVS_DATAPATH;

/* Packet path (OvsStartNBLIngress -> ... -> OvsLookupFlow / OvsActionsExecute) */
VOID
OvsPacketPath(OVS_DATAPATH *datapath, OvsFlowKey *key)
{
    LOCK_STATE_EX lockState;
    OvsFlow *flow;

    NdisAcquireRWLockRead(datapath->lock, &lockState, 0);
    flow = OvsLookupFlow(datapath, key, &hash, FALSE);
    if (flow) {
        OvsFlowUsed(flow, curNbl, &layers);    /* stats: packets, bytes, used */
        OvsActionsExecute(switchContext, &completionList, curNbl, portNo,
                          sendFlags, key, &hash, &layers,
                          flow->actions, flow->actionsLen);
    }                                          /* else: upcall (not modelled) */
    NdisReleaseRWLock(datapath->lock, &lockState);
}

/* Flow delete (OvsPutFlowIoctl / HandleFlowPut with a delete request) */
NTSTATUS
OvsFlowDelete(OVS_DATAPATH *datapath, OvsFlowKey *key)
{
    LOCK_STATE_EX lockState;
    OvsFlow *flow;

    NdisAcquireRWLockWrite(datapath->lock, &lockState, 0);
    flow = OvsLookupFlow(datapath, key, &hash, TRUE);
    if (flow) {
        RemoveEntryList(&flow->ListEntry);     /* RemoveFlow(): unlink ... */
        FreeFlow(flow);                        /* ... and free at once */
    }
    NdisReleaseRWLock(datapath->lock, &lockState);
    return STATUS_SUCCESS;
}
`;

function model(): ReturnType<ProtocolDefinition['model']> {
  const l = new ListingBuilder(protocolUri(NAME), LISTING);
  const packet = l
    .fn('OvsPacketPath', 'OvsPacketPath(OVS_DATAPATH')
    .at('NdisAcquireRWLockRead').acquire('datapath->lock', 'read')
    .at('flow = OvsLookupFlow').lookup('F', 'flow', false)
    .at('if (flow)').jump({ kind: 'null', flow: 'flow' }, 'unlock')
    .at('OvsFlowUsed').use('flow', 'stats')
    .at('OvsActionsExecute').use('flow', 'actions')
    .label('unlock').at('NdisReleaseRWLock').release('datapath->lock')
    .build();
  const put = l
    .fn('OvsFlowDelete', 'OvsFlowDelete(OVS_DATAPATH')
    .at('NdisAcquireRWLockWrite').acquire('datapath->lock', 'write')
    .at('flow = OvsLookupFlow').lookup('F', 'flow', false)
    .at('if (flow)').jump({ kind: 'null', flow: 'flow' }, 'unlock')
    .at('RemoveEntryList').unlink('flow')
    .at('FreeFlow').free('flow')
    .label('unlock').at('NdisReleaseRWLock').release('datapath->lock')
    .build();
  return {
    name: NAME,
    listingUri: protocolUri(NAME),
    locks: [{ name: 'datapath->lock', kind: 'rw' }],
    initialRefcount: 0,
    packet: { name: 'packet', entry: packet.name, functions: [packet] },
    put: { name: 'put', entry: put.name, functions: [put] },
  };
}

export const ovsWindows: ProtocolDefinition = {
  info: {
    name: NAME,
    title: 'What OVS shipped for Windows',
    summary: 'No per-flow refcount: the packet path holds the datapath read lock across lookup, stats and actions; delete takes the write lock and frees at once.',
    listingUri: protocolUri(NAME),
  },
  listing: LISTING,
  model,
};
