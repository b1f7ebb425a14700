import { acquire, acquireShared, destroyLock, release, tryAcquire } from './define';
import type { LockApi } from './types';

/** POSIX threads and C11 threads: every try / timed form returns 0 when the lock was taken. */
export const POSIX_LOCKS: LockApi[] = [
  acquire('pthread_mutex_lock', 'pthread-mutex'),
  tryAcquire('pthread_mutex_trylock', 'pthread-mutex', 'zero'),
  tryAcquire('pthread_mutex_timedlock', 'pthread-mutex', 'zero'),
  release('pthread_mutex_unlock', 'pthread-mutex'),

  // POSIX lets one thread hold several read locks on a rwlock.
  acquireShared('pthread_rwlock_rdlock', 'pthread-rwlock', { recursive: true }),
  tryAcquire('pthread_rwlock_tryrdlock', 'pthread-rwlock', 'zero', { mode: 'shared', recursive: true }),
  tryAcquire('pthread_rwlock_timedrdlock', 'pthread-rwlock', 'zero', { mode: 'shared', recursive: true }),
  acquire('pthread_rwlock_wrlock', 'pthread-rwlock'),
  tryAcquire('pthread_rwlock_trywrlock', 'pthread-rwlock', 'zero'),
  tryAcquire('pthread_rwlock_timedwrlock', 'pthread-rwlock', 'zero'),
  release('pthread_rwlock_unlock', 'pthread-rwlock'),

  acquire('pthread_spin_lock', 'pthread-spin'),
  tryAcquire('pthread_spin_trylock', 'pthread-spin', 'zero'),
  release('pthread_spin_unlock', 'pthread-spin'),

  // C11 <threads.h>: thrd_success is 0.
  acquire('mtx_lock', 'c11-mtx'),
  tryAcquire('mtx_trylock', 'c11-mtx', 'zero'),
  tryAcquire('mtx_timedlock', 'c11-mtx', 'zero'),
  release('mtx_unlock', 'c11-mtx'),

  destroyLock('pthread_mutex_destroy', 'pthread-mutex'),
  destroyLock('pthread_rwlock_destroy', 'pthread-rwlock'),
  destroyLock('pthread_spin_destroy', 'pthread-spin'),
  destroyLock('mtx_destroy', 'c11-mtx'),
];
