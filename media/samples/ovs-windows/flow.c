/*
 * Sample: an NDIS (Windows) datapath flow table in the style of OVS datapath-windows.
 * Written for Lockstep's demo; it compiles against nothing and carries two deliberate bugs.
 */
#include <ndis.h>

typedef struct _OVS_FLOW {
    LIST_ENTRY ListEntry;
    OVS_REF_COUNT refCount;
    UINT64 hash;
    UINT64 packetCount;
    UINT64 byteCount;
} OVS_FLOW, *POVS_FLOW;

typedef struct _OVS_DATAPATH {
    PNDIS_RW_LOCK_EX lock;
    LIST_ENTRY flowTable[1024];
    UINT32 nFlows;
} OVS_DATAPATH, *POVS_DATAPATH;

POVS_FLOW OvsLookupFlow(POVS_DATAPATH datapath, UINT64 hash);
VOID OvsExecuteActions(POVS_FLOW flow, PNET_BUFFER_LIST nbl);

/* Packet path: read lock across lookup, stats and actions (what OVS shipped). */
_Use_decl_annotations_
NDIS_STATUS
OvsProcessPacket(POVS_DATAPATH datapath, PNET_BUFFER_LIST nbl, UINT64 hash)
{
    LOCK_STATE_EX lockState;
    POVS_FLOW flow;

    NdisAcquireRWLockRead(datapath->lock, &lockState, NDIS_RWL_AT_DISPATCH_LEVEL);
    flow = OvsLookupFlow(datapath, hash);
    if (flow == NULL) {
        NdisReleaseRWLock(datapath->lock, &lockState);
        return NDIS_STATUS_NOT_ACCEPTED;
    }
    flow->packetCount++;
    OvsExecuteActions(flow, nbl);
    NdisReleaseRWLock(datapath->lock, &lockState);
    return NDIS_STATUS_SUCCESS;
}

/* Flow delete: the not-found path forgets to release the write lock. */
_Use_decl_annotations_
NTSTATUS
OvsDeleteFlow(POVS_DATAPATH datapath, UINT64 hash)
{
    LOCK_STATE_EX lockState;
    POVS_FLOW flow;

    NdisAcquireRWLockWrite(datapath->lock, &lockState, 0);
    flow = OvsLookupFlow(datapath, hash);
    if (flow == NULL) {
        return STATUS_NOT_FOUND;
    }
    RemoveEntryList(&flow->ListEntry);
    datapath->nFlows--;
    NdisReleaseRWLock(datapath->lock, &lockState);
    OvsFreeMemoryWithTag(flow, 'wfVO');
    return STATUS_SUCCESS;
}

/* Flow stats with the seed thread's refcount API: the flow is read after its reference is dropped. */
_Use_decl_annotations_
UINT64
OvsFlowBytes(POVS_DATAPATH datapath, UINT64 hash)
{
    LOCK_STATE_EX lockState;
    POVS_FLOW flow;
    UINT64 bytes;

    NdisAcquireRWLockRead(datapath->lock, &lockState, 0);
    flow = OvsLookupFlow(datapath, hash);
    if (flow == NULL) {
        NdisReleaseRWLock(datapath->lock, &lockState);
        return 0;
    }
    OVS_REFCOUNT_REFERENCE(flow);
    NdisReleaseRWLock(datapath->lock, &lockState);
    OVS_REFCOUNT_DEREFERENCE(flow);
    bytes = flow->byteCount;
    return bytes;
}

/* Flush: write lock, every path releases. */
_Use_decl_annotations_
VOID
OvsFlushFlows(POVS_DATAPATH datapath)
{
    LOCK_STATE_EX lockState;
    UINT32 i;

    NdisAcquireRWLockWrite(datapath->lock, &lockState, 0);
    for (i = 0; i < 1024; i++) {
        while (!IsListEmpty(&datapath->flowTable[i])) {
            PLIST_ENTRY entry = RemoveHeadList(&datapath->flowTable[i]);
            OvsFreeMemoryWithTag(CONTAINING_RECORD(entry, OVS_FLOW, ListEntry), 'wfVO');
        }
    }
    datapath->nFlows = 0;
    NdisReleaseRWLock(datapath->lock, &lockState);
}
