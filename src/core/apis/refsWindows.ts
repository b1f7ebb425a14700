import { FIELD, ref } from './define';
import type { RefApi } from './types';

/** A counter field (`&ctx->refCount`): Interlocked* count only when the argument names a ref count. */
const REFCOUNT_FIELD = { ...FIELD, argPattern: 'ref' };

/**
 * Windows references: the 2014 ovs-dev proposal's OVS_REFCOUNT_* macros, object-manager
 * references, Interlocked counters on reference-count fields, the OVS switch-context reference,
 * and pool / NDIS / OVS allocations for use-after-free.
 */
export const WINDOWS_REFS: RefApi[] = [
  ref('OVS_REFCOUNT_REFERENCE', 'get', { family: 'ovs-refcount' }),
  ref('OVS_REFCOUNT_DEREFERENCE', 'put', { family: 'ovs-refcount' }),
  // Drops the owner's reference and marks for deletion: the object may be gone right after.
  ref('OVS_REFCOUNT_DESTROY', 'destroy', { family: 'ovs-refcount' }),

  ref('ObReferenceObject', 'get', { family: 'ob' }),
  ref('ObfReferenceObject', 'get', { family: 'ob' }),
  ref('ObDereferenceObject', 'put', { family: 'ob' }),
  ref('ObfDereferenceObject', 'put', { family: 'ob' }),
  ref('ObDereferenceObjectDeferDelete', 'put', { family: 'ob' }),
  // ObReferenceObjectByHandle(handle, access, type, mode, &object, info): STATUS_SUCCESS (0) fills *object.
  ref('ObReferenceObjectByHandle', 'returnsRef', { objArg: 4, success: 'zero', family: 'ob' }),
  ref('ObReferenceObjectByPointer', 'tryget', { success: 'zero', family: 'ob' }),

  ref('InterlockedIncrement', 'get', { ...REFCOUNT_FIELD, family: 'interlocked' }),
  ref('InterlockedDecrement', 'put', { ...REFCOUNT_FIELD, lastWhen: 'returns-zero', family: 'interlocked' }),
  ref('NdisInterlockedIncrement', 'get', { ...REFCOUNT_FIELD, family: 'interlocked' }),
  ref('NdisInterlockedDecrement', 'put', { ...REFCOUNT_FIELD, lastWhen: 'returns-zero', family: 'interlocked' }),

  // BOOLEAN OvsAcquireSwitchContext(VOID) refs the global switch context; release passes it back.
  ref('OvsAcquireSwitchContext', 'tryget', { implicitObj: 'gOvsSwitchContext', success: 'nonzero', family: 'ovs-switch-context' }),
  ref('OvsReleaseSwitchContext', 'put', { family: 'ovs-switch-context' }),

  ref('ExAllocatePool', 'alloc', { success: 'nonnull', family: 'ex-pool' }),
  ref('ExAllocatePoolWithTag', 'alloc', { success: 'nonnull', family: 'ex-pool' }),
  ref('ExAllocatePoolWithQuotaTag', 'alloc', { success: 'nonnull', family: 'ex-pool' }),
  ref('ExAllocatePoolZero', 'alloc', { success: 'nonnull', family: 'ex-pool' }),
  ref('ExAllocatePool2', 'alloc', { success: 'nonnull', family: 'ex-pool' }),
  ref('ExAllocatePool3', 'alloc', { success: 'nonnull', family: 'ex-pool' }),
  ref('ExFreePool', 'free', { family: 'ex-pool' }),
  ref('ExFreePoolWithTag', 'free', { family: 'ex-pool' }),
  ref('ExFreePool2', 'free', { family: 'ex-pool' }),

  ref('NdisAllocateMemoryWithTagPriority', 'alloc', { success: 'nonnull', family: 'ndis-memory' }),
  // NdisAllocateMemoryWithTag(&va, length, tag): NDIS_STATUS_SUCCESS (0) fills *va.
  ref('NdisAllocateMemoryWithTag', 'alloc', { objArg: 0, success: 'zero', family: 'ndis-memory' }),
  ref('NdisFreeMemory', 'free', { family: 'ndis-memory' }),
  ref('NdisFreeMemoryWithTag', 'free', { family: 'ndis-memory' }),
  ref('NdisFreeMemoryWithTagPriority', 'free', { objArg: 1, objFrom: 'self', family: 'ndis-memory' }),

  ref('OvsAllocateMemory', 'alloc', { success: 'nonnull', family: 'ndis-memory' }),
  ref('OvsAllocateMemoryWithTag', 'alloc', { success: 'nonnull', family: 'ndis-memory' }),
  ref('OvsAllocateAlignedMemory', 'alloc', { success: 'nonnull', family: 'ndis-memory' }),
  ref('OvsFreeMemory', 'free', { family: 'ndis-memory' }),
  ref('OvsFreeMemoryWithTag', 'free', { family: 'ndis-memory' }),
  ref('OvsFreeAlignedMemory', 'free', { family: 'ndis-memory' }),
];
