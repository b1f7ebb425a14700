import { acquire, acquireShared, implicit, release } from './define';
import type { LockApi } from './types';

/**
 * Open vSwitch Windows datapath wrappers (datapath-windows/ovsext). They wrap NDIS calls, so they
 * share the NDIS families: a wrapper acquire released with the raw NDIS call still matches.
 * `lockExpr` is the lock as the wrapped NDIS call receives it.
 */
export const OVS_WINDOWS_LOCKS: LockApi[] = [
  // OvsAcquireDatapathRead(datapath, &lockState, dispatch) → NdisAcquireRWLockRead(datapath->lock, lockState, ...)
  acquireShared('OvsAcquireDatapathRead', 'ndis-rw', { lockExpr: '$0->lock', byValue: true, handleArg: 1, recursive: true }),
  acquire('OvsAcquireDatapathWrite', 'ndis-rw', { lockExpr: '$0->lock', byValue: true, handleArg: 1, recursive: true }),
  release('OvsReleaseDatapath', 'ndis-rw', { lockExpr: '$0->lock', byValue: true, handleArg: 1 }),

  // Control lock: NdisAcquireSpinLock(gOvsCtrlLock), gOvsCtrlLock being a PNDIS_SPIN_LOCK.
  acquire('OvsAcquireCtrlLock', 'ndis-spin', { ...implicit('gOvsCtrlLock'), lockExpr: 'gOvsCtrlLock', variant: 'plain' }),
  release('OvsReleaseCtrlLock', 'ndis-spin', { ...implicit('gOvsCtrlLock'), lockExpr: 'gOvsCtrlLock', variant: 'plain' }),

  // Event queue lock per event type: NdisAcquireSpinLock(&eventQueueLockArr[eventId]).
  acquire('OvsAcquireEventQueueLock', 'ndis-spin', { ...implicit('eventQueueLockArr'), lockExpr: '&eventQueueLockArr[$0]', variant: 'plain' }),
  release('OvsReleaseEventQueueLock', 'ndis-spin', { ...implicit('eventQueueLockArr'), lockExpr: '&eventQueueLockArr[$0]', variant: 'plain' }),

  // PID hash lock: NdisAcquireSpinLock(&(gOvsSwitchContext->pidHashLock)).
  acquire('OvsAcquirePidHashLock', 'ndis-spin', { ...implicit('gOvsSwitchContext->pidHashLock'), lockExpr: '&gOvsSwitchContext->pidHashLock', variant: 'plain' }),
  release('OvsReleasePidHashLock', 'ndis-spin', { ...implicit('gOvsSwitchContext->pidHashLock'), lockExpr: '&gOvsSwitchContext->pidHashLock', variant: 'plain' }),
];
