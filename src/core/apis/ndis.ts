import { acquire, acquireShared, destroyLock, release } from './define';
import type { LockApi } from './types';

/**
 * NDIS locks. NDIS_RW_LOCK_EX is allocated (`NdisAllocateRWLock`) and passed as the pointer value
 * itself (`NdisAcquireRWLockRead(dp->lock, &lockState, flags)`), so its lock argument is `byValue`;
 * each acquisition has its own LOCK_STATE_EX handle (argument 1), which the release must reuse.
 * The docs allow recursive RW_LOCK_EX acquisition on one processor (each with its own
 * LOCK_STATE_EX); upgrading read → write on the same processor is not allowed. A nested read hold
 * is allowed but redundant: it comes from calling a helper that takes the lock itself with the lock
 * held, which driver fixes remove (`readNesting: 'redundant'`).
 * NDIS_SPIN_LOCK is embedded and passed by address; the Dpr forms assume DISPATCH_LEVEL and must be
 * paired with each other (variant `dpr`), the plain forms raise and restore the IRQL (variant `plain`).
 */
export const NDIS_LOCKS: LockApi[] = [
  acquireShared('NdisAcquireRWLockRead', 'ndis-rw', { byValue: true, handleArg: 1, recursive: true, readNesting: 'redundant' }),
  acquire('NdisAcquireRWLockWrite', 'ndis-rw', { byValue: true, handleArg: 1, recursive: true }),
  release('NdisReleaseRWLock', 'ndis-rw', { byValue: true, handleArg: 1 }),

  acquire('NdisAcquireSpinLock', 'ndis-spin', { variant: 'plain' }),
  release('NdisReleaseSpinLock', 'ndis-spin', { variant: 'plain' }),
  acquire('NdisDprAcquireSpinLock', 'ndis-spin', { variant: 'dpr' }),
  release('NdisDprReleaseSpinLock', 'ndis-spin', { variant: 'dpr' }),

  // NDIS 5 read/write lock (deprecated for NDIS 6.20+): fWrite (argument 1) chooses the mode.
  acquire('NdisAcquireReadWriteLock', 'ndis-rw-legacy', { modeArg: 1, handleArg: 2, variant: 'plain' }),
  release('NdisReleaseReadWriteLock', 'ndis-rw-legacy', { handleArg: 1, variant: 'plain' }),
  acquire('NdisDprAcquireReadWriteLock', 'ndis-rw-legacy', { modeArg: 1, handleArg: 2, variant: 'dpr' }),
  release('NdisDprReleaseReadWriteLock', 'ndis-rw-legacy', { handleArg: 1, variant: 'dpr' }),

  destroyLock('NdisFreeRWLock', 'ndis-rw', { byValue: true }),
  destroyLock('NdisFreeSpinLock', 'ndis-spin'),
];
