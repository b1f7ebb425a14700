import { acquire, acquireShared, destroyLock, release, tryAcquire } from './define';
import type { LockApi } from './types';

/** `ovs_mutex_lock(m)` is a macro over `ovs_mutex_lock_at(m, where)`; both spellings appear in code. */
function withAt(apis: LockApi[]): LockApi[] {
  return apis.flatMap((api) => [api, { ...api, name: `${api.name}_at` }]);
}

/**
 * Open vSwitch userspace locks (lib/ovs-thread.h, lib/fat-rwlock.h). They follow pthread: the
 * try forms return 0 when the lock was taken. fat_rwlock read locks nest per thread.
 */
export const OVS_USERSPACE_LOCKS: LockApi[] = [
  ...withAt([
    acquire('ovs_mutex_lock', 'ovs-mutex'),
    tryAcquire('ovs_mutex_trylock', 'ovs-mutex', 'zero'),
    // OVS rwlocks prefer writers: a second read lock by one thread can wait behind a queued writer.
    acquireShared('ovs_rwlock_rdlock', 'ovs-rwlock', { readNesting: 'deadlocks' }),
    acquire('ovs_rwlock_wrlock', 'ovs-rwlock'),
    tryAcquire('ovs_rwlock_tryrdlock', 'ovs-rwlock', 'zero', { mode: 'shared' }),
    tryAcquire('ovs_rwlock_trywrlock', 'ovs-rwlock', 'zero'),
    acquire('ovs_spin_lock', 'ovs-spin'),
    tryAcquire('ovs_spin_trylock', 'ovs-spin', 'zero'),
  ]),
  release('ovs_mutex_unlock', 'ovs-mutex'),
  release('ovs_rwlock_unlock', 'ovs-rwlock'),
  release('ovs_spin_unlock', 'ovs-spin'),

  acquireShared('fat_rwlock_rdlock', 'fat-rwlock', { recursive: true }),
  tryAcquire('fat_rwlock_tryrdlock', 'fat-rwlock', 'zero', { mode: 'shared', recursive: true }),
  acquire('fat_rwlock_wrlock', 'fat-rwlock'),
  release('fat_rwlock_unlock', 'fat-rwlock'),
  destroyLock('ovs_mutex_destroy', 'ovs-mutex'),
  destroyLock('ovs_rwlock_destroy', 'ovs-rwlock'),
  destroyLock('ovs_spin_destroy', 'ovs-spin'),
  destroyLock('fat_rwlock_destroy', 'fat-rwlock'),
];
