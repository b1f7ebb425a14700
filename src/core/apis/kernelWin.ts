import { acquire, acquireShared, release, tryAcquire } from './define';
import type { LockApi } from './types';

/**
 * Windows kernel (Ke/Ex) locks.
 * - KSPIN_LOCK: `KeAcquireSpinLock(lock, &oldIrql)` / `KeReleaseSpinLock(lock, oldIrql)` pass the
 *   saved IRQL as the handle (by address, then by value); `KeAcquireSpinLockRaiseToDpc` returns it.
 *   The AtDpcLevel / FromDpcLevel forms take no IRQL and pair only with each other.
 * - In-stack queued spin locks: the KLOCK_QUEUE_HANDLE is the handle, and the release names only
 *   the handle (`KeReleaseInStackQueuedSpinLock(&handle)`): `lockFromHandle`.
 * - ERESOURCE: recursive; `Wait == FALSE` turns the acquire into a try (returns TRUE on success).
 * - Fast mutexes, guarded mutexes and push locks are not recursive.
 */
export const KERNEL_WIN_LOCKS: LockApi[] = [
  acquire('KeAcquireSpinLock', 'ke-spin', { variant: 'irql', handleArg: 1 }),
  acquire('KeAcquireSpinLockRaiseToDpc', 'ke-spin', { variant: 'irql', handleFromReturn: true }),
  release('KeReleaseSpinLock', 'ke-spin', { variant: 'irql', handleArg: 1 }),
  acquire('KeAcquireSpinLockAtDpcLevel', 'ke-spin', { variant: 'dpc' }),
  release('KeReleaseSpinLockFromDpcLevel', 'ke-spin', { variant: 'dpc' }),
  tryAcquire('KeTryToAcquireSpinLockAtDpcLevel', 'ke-spin', 'nonzero', { variant: 'dpc' }),
  acquire('KeAcquireSpinLockForDpc', 'ke-spin', { variant: 'for-dpc', handleFromReturn: true }),
  release('KeReleaseSpinLockForDpc', 'ke-spin', { variant: 'for-dpc', handleArg: 1 }),

  acquire('KeAcquireInStackQueuedSpinLock', 'ke-queued-spin', { variant: 'irql', handleArg: 1 }),
  release('KeReleaseInStackQueuedSpinLock', 'ke-queued-spin', { variant: 'irql', lockArg: -1, lockFromHandle: true, handleArg: 0 }),
  acquire('KeAcquireInStackQueuedSpinLockAtDpcLevel', 'ke-queued-spin', { variant: 'dpc', handleArg: 1 }),
  release('KeReleaseInStackQueuedSpinLockFromDpcLevel', 'ke-queued-spin', { variant: 'dpc', lockArg: -1, lockFromHandle: true, handleArg: 0 }),
  acquire('KeAcquireInStackQueuedSpinLockForDpc', 'ke-queued-spin', { variant: 'for-dpc', handleArg: 1 }),
  release('KeReleaseInStackQueuedSpinLockForDpc', 'ke-queued-spin', { variant: 'for-dpc', lockArg: -1, lockFromHandle: true, handleArg: 0 }),

  acquire('KeAcquireGuardedMutex', 'ke-guarded-mutex', { variant: 'plain' }),
  release('KeReleaseGuardedMutex', 'ke-guarded-mutex', { variant: 'plain' }),
  tryAcquire('KeTryToAcquireGuardedMutex', 'ke-guarded-mutex', 'nonzero', { variant: 'plain' }),
  acquire('KeAcquireGuardedMutexUnsafe', 'ke-guarded-mutex', { variant: 'unsafe' }),
  release('KeReleaseGuardedMutexUnsafe', 'ke-guarded-mutex', { variant: 'unsafe' }),

  acquire('ExAcquireResourceExclusiveLite', 'ex-resource', { variant: 'plain', recursive: true, waitArg: 1, trySuccess: 'nonzero' }),
  acquireShared('ExAcquireResourceSharedLite', 'ex-resource', { variant: 'plain', recursive: true, waitArg: 1, trySuccess: 'nonzero' }),
  acquireShared('ExAcquireSharedStarveExclusive', 'ex-resource', { variant: 'plain', recursive: true, waitArg: 1, trySuccess: 'nonzero' }),
  acquireShared('ExAcquireSharedWaitForExclusive', 'ex-resource', { variant: 'plain', recursive: true, waitArg: 1, trySuccess: 'nonzero' }),
  release('ExReleaseResourceLite', 'ex-resource', { variant: 'plain' }),
  release('ExReleaseResourceForThreadLite', 'ex-resource', { variant: 'plain' }),
  // These also enter / leave a critical region, so they pair only with each other.
  acquire('ExEnterCriticalRegionAndAcquireResourceExclusive', 'ex-resource', { variant: 'critical-region', recursive: true }),
  acquireShared('ExEnterCriticalRegionAndAcquireResourceShared', 'ex-resource', { variant: 'critical-region', recursive: true }),
  release('ExReleaseResourceAndLeaveCriticalRegion', 'ex-resource', { variant: 'critical-region' }),

  acquire('ExAcquireFastMutex', 'ex-fast-mutex', { variant: 'plain' }),
  release('ExReleaseFastMutex', 'ex-fast-mutex', { variant: 'plain' }),
  tryAcquire('ExTryToAcquireFastMutex', 'ex-fast-mutex', 'nonzero', { variant: 'plain' }),
  acquire('ExAcquireFastMutexUnsafe', 'ex-fast-mutex', { variant: 'unsafe' }),
  release('ExReleaseFastMutexUnsafe', 'ex-fast-mutex', { variant: 'unsafe' }),

  acquire('ExAcquirePushLockExclusive', 'ex-push-lock'),
  acquireShared('ExAcquirePushLockShared', 'ex-push-lock'),
  release('ExReleasePushLockExclusive', 'ex-push-lock', { mode: 'exclusive' }),
  release('ExReleasePushLockShared', 'ex-push-lock', { mode: 'shared' }),
  release('ExReleasePushLock', 'ex-push-lock'),
  tryAcquire('ExTryAcquirePushLockExclusive', 'ex-push-lock', 'nonzero'),
  tryAcquire('ExTryAcquirePushLockShared', 'ex-push-lock', 'nonzero', { mode: 'shared' }),
  acquire('ExAcquirePushLockExclusiveEx', 'ex-push-lock'),
  acquireShared('ExAcquirePushLockSharedEx', 'ex-push-lock'),
  release('ExReleasePushLockExclusiveEx', 'ex-push-lock', { mode: 'exclusive' }),
  release('ExReleasePushLockSharedEx', 'ex-push-lock', { mode: 'shared' }),
  release('ExReleasePushLockEx', 'ex-push-lock'),
];
