import { acquire, acquireShared, implicit, release, tryAcquire } from './define';
import type { HeldAssertionApi, LockApi } from './types';

/** spin_lock-style families: plain, _bh, _irq and _irqsave (flags passed by name: it is a macro). */
function spinFamily(
  lock: string, unlock: string, family: string,
  extra: { mode?: 'shared'; recursive?: boolean } = {}, releaseMode: { mode?: 'shared' | 'exclusive' } = {},
): LockApi[] {
  return [
    acquire(lock, family, { variant: 'plain', ...extra }),
    release(unlock, family, { variant: 'plain', ...releaseMode }),
    acquire(`${lock}_bh`, family, { variant: 'bh', ...extra }),
    release(`${unlock}_bh`, family, { variant: 'bh', ...releaseMode }),
    acquire(`${lock}_irq`, family, { variant: 'irq', ...extra }),
    release(`${unlock}_irq`, family, { variant: 'irq', ...releaseMode }),
    acquire(`${lock}_irqsave`, family, { variant: 'irqsave', handleArg: 1, ...extra }),
    release(`${unlock}_irqrestore`, family, { variant: 'irqsave', handleArg: 1, ...releaseMode }),
  ];
}

/**
 * Linux kernel locks. Try-lock success values differ by API and are the point of this table:
 * spin_trylock / mutex_trylock / down_read_trylock return nonzero on success, while
 * mutex_lock_interruptible / _killable, down_interruptible and down_trylock return 0 on success.
 * rcu_read_lock() and friends name no lock (implicit, recursive, shared); rtnl_lock() and the
 * Linux OVS datapath's ovs_lock() take global mutexes.
 */
export const LINUX_LOCKS: LockApi[] = [
  ...spinFamily('spin_lock', 'spin_unlock', 'linux-spin'),
  tryAcquire('spin_trylock', 'linux-spin', 'nonzero', { variant: 'plain' }),
  tryAcquire('spin_trylock_bh', 'linux-spin', 'nonzero', { variant: 'bh' }),
  tryAcquire('spin_trylock_irq', 'linux-spin', 'nonzero', { variant: 'irq' }),
  tryAcquire('spin_trylock_irqsave', 'linux-spin', 'nonzero', { variant: 'irqsave', handleArg: 1 }),
  acquire('spin_lock_nested', 'linux-spin', { variant: 'plain' }),
  acquire('spin_lock_irqsave_nested', 'linux-spin', { variant: 'irqsave', handleArg: 1 }),

  ...spinFamily('raw_spin_lock', 'raw_spin_unlock', 'linux-raw-spin'),
  tryAcquire('raw_spin_trylock', 'linux-raw-spin', 'nonzero', { variant: 'plain' }),

  // rwlock_t readers may nest; writers may not.
  ...spinFamily('read_lock', 'read_unlock', 'linux-rwlock', { mode: 'shared', recursive: true }, { mode: 'shared' }),
  ...spinFamily('write_lock', 'write_unlock', 'linux-rwlock', {}, { mode: 'exclusive' }),
  tryAcquire('read_trylock', 'linux-rwlock', 'nonzero', { mode: 'shared', variant: 'plain' }),
  tryAcquire('write_trylock', 'linux-rwlock', 'nonzero', { variant: 'plain' }),

  ...spinFamily('write_seqlock', 'write_sequnlock', 'linux-seqlock'),

  acquire('mutex_lock', 'linux-mutex'),
  acquire('mutex_lock_nested', 'linux-mutex'),
  acquire('mutex_lock_io', 'linux-mutex'),
  tryAcquire('mutex_trylock', 'linux-mutex', 'nonzero'),
  tryAcquire('mutex_lock_interruptible', 'linux-mutex', 'zero'),
  tryAcquire('mutex_lock_interruptible_nested', 'linux-mutex', 'zero'),
  tryAcquire('mutex_lock_killable', 'linux-mutex', 'zero'),
  tryAcquire('mutex_lock_killable_nested', 'linux-mutex', 'zero'),
  release('mutex_unlock', 'linux-mutex'),

  acquire('rtnl_lock', 'linux-mutex', implicit('rtnl_mutex')),
  tryAcquire('rtnl_trylock', 'linux-mutex', 'nonzero', implicit('rtnl_mutex')),
  release('rtnl_unlock', 'linux-mutex', implicit('rtnl_mutex')),
  acquire('ovs_lock', 'linux-mutex', implicit('ovs_mutex')),
  release('ovs_unlock', 'linux-mutex', implicit('ovs_mutex')),

  acquireShared('down_read', 'linux-rwsem'),
  acquireShared('down_read_nested', 'linux-rwsem'),
  tryAcquire('down_read_trylock', 'linux-rwsem', 'nonzero', { mode: 'shared' }),
  tryAcquire('down_read_interruptible', 'linux-rwsem', 'zero', { mode: 'shared' }),
  tryAcquire('down_read_killable', 'linux-rwsem', 'zero', { mode: 'shared' }),
  release('up_read', 'linux-rwsem', { mode: 'shared' }),
  acquire('down_write', 'linux-rwsem'),
  acquire('down_write_nested', 'linux-rwsem'),
  tryAcquire('down_write_trylock', 'linux-rwsem', 'nonzero'),
  tryAcquire('down_write_killable', 'linux-rwsem', 'zero'),
  release('up_write', 'linux-rwsem', { mode: 'exclusive' }),

  acquire('down', 'linux-semaphore'),
  tryAcquire('down_interruptible', 'linux-semaphore', 'zero'),
  tryAcquire('down_killable', 'linux-semaphore', 'zero'),
  tryAcquire('down_trylock', 'linux-semaphore', 'zero'),
  release('up', 'linux-semaphore'),

  acquireShared('rcu_read_lock', 'rcu', { ...implicit('rcu'), recursive: true }),
  release('rcu_read_unlock', 'rcu', implicit('rcu')),
  acquireShared('rcu_read_lock_bh', 'rcu', { ...implicit('rcu_bh'), recursive: true }),
  release('rcu_read_unlock_bh', 'rcu', implicit('rcu_bh')),
  acquireShared('rcu_read_lock_sched', 'rcu', { ...implicit('rcu_sched'), recursive: true }),
  release('rcu_read_unlock_sched', 'rcu', implicit('rcu_sched')),
  // idx = srcu_read_lock(ssp); ... srcu_read_unlock(ssp, idx);
  acquireShared('srcu_read_lock', 'srcu', { recursive: true, handleFromReturn: true }),
  release('srcu_read_unlock', 'srcu', { handleArg: 1 }),
];

/** lockdep and spinlock assertions: the lock is held here (see HeldAssertionApi). */
export const LINUX_HELD_ASSERTIONS: HeldAssertionApi[] = [
  { name: 'lockdep_assert_held', lockArg: 0 },
  { name: 'lockdep_assert_held_once', lockArg: 0 },
  { name: 'lockdep_assert_held_write', lockArg: 0 },
  { name: 'lockdep_assert_held_exclusive', lockArg: 0 },
  { name: 'lockdep_assert_held_read', lockArg: 0, mode: 'shared' },
  { name: 'assert_spin_locked', lockArg: 0 },
  { name: 'assert_raw_spin_locked', lockArg: 0 },
];
