import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinKnowledge, indexKnowledge } from '../../src/core/apis/builtin';
import type { ApiKnowledge, LockApi } from '../../src/core/apis/types';

const k = builtinKnowledge();
const idx = indexKnowledge(k);
const lock = (name: string): LockApi => {
  const api = idx.locks.get(name);
  assert.ok(api, `${name} is known`);
  return api;
};

describe('built-in API knowledge: consistency', () => {
  for (const kind of ['locks', 'refs', 'noReturn', 'mutators'] as const) {
    test(`${kind}: names are unique`, () => {
      // One entry per name, or one per argument count for an API whose signature changed.
      const names = (k[kind] as { name: string; arity?: number }[]).map((a) => `${a.name}/${a.arity ?? ''}`);
      const dups = names.filter((n, i) => names.indexOf(n) !== i);
      assert.deepEqual(dups, []);
      assert.ok(names.length > 20, `${kind} has entries`);
    });
  }

  test('every release has an acquire of the same family and variant', () => {
    const acquires = new Set(k.locks.filter((a) => a.kind !== 'release').map((a) => `${a.family}/${a.variant ?? ''}`));
    const orphans = k.locks.filter((a) => a.kind === 'release' && !acquires.has(`${a.family}/${a.variant ?? ''}`)).map((a) => a.name);
    assert.deepEqual(orphans, []);
  });

  test('a lock with no lock argument names an implicit lock, a lock expression or its handle', () => {
    const bad = k.locks.filter((a) => a.lockArg === -1 && !a.implicitLock && !a.lockExpr && !a.lockFromHandle).map((a) => a.name);
    assert.deepEqual(bad, []);
    for (const a of k.locks) assert.ok(Number.isInteger(a.lockArg) && a.lockArg >= -1, a.name);
  });

  test('every try-acquire says which return value means acquired', () => {
    assert.deepEqual(k.locks.filter((a) => a.kind === 'tryacquire' && !a.trySuccess).map((a) => a.name), []);
  });

  test('ref APIs that act on an argument say which one', () => {
    const bad = k.refs.filter((r) => ['get', 'put', 'tryget', 'destroy', 'free'].includes(r.kind) && r.objArg === undefined && !r.implicitObj);
    assert.deepEqual(bad.map((r) => r.name), []);
  });

  test('builtinKnowledge returns a fresh copy each call', () => {
    const a: ApiKnowledge = builtinKnowledge();
    a.locks[0]!.name = 'changed';
    a.noReturn.length = 0;
    const b = builtinKnowledge();
    assert.notEqual(b.locks[0]!.name, 'changed');
    assert.ok(b.noReturn.length > 0);
  });
});

describe('built-in API knowledge: semantics of representative entries', () => {
  test('NDIS RW lock: lock passed by value in arg 0, LOCK_STATE_EX handle in arg 1, modes', () => {
    assert.deepEqual(
      [lock('NdisAcquireRWLockRead'), lock('NdisAcquireRWLockWrite'), lock('NdisReleaseRWLock')].map((a) => [a.kind, a.lockArg, a.byValue, a.handleArg, a.mode, a.family]),
      [['acquire', 0, true, 1, 'shared', 'ndis-rw'], ['acquire', 0, true, 1, 'exclusive', 'ndis-rw'], ['release', 0, true, 1, undefined, 'ndis-rw']],
    );
  });

  test('NDIS spin locks: Dpr and plain variants are distinct within one family', () => {
    assert.equal(lock('NdisDprAcquireSpinLock').variant, 'dpr');
    assert.equal(lock('NdisDprReleaseSpinLock').variant, 'dpr');
    assert.equal(lock('NdisAcquireSpinLock').variant, 'plain');
    assert.equal(lock('NdisReleaseSpinLock').family, lock('NdisDprAcquireSpinLock').family);
  });

  test('Ke spin locks: old IRQL is the handle; in-stack queued release names only its handle', () => {
    assert.equal(lock('KeAcquireSpinLock').handleArg, 1);
    assert.equal(lock('KeReleaseSpinLock').handleArg, 1);
    assert.equal(lock('KeAcquireSpinLockRaiseToDpc').handleFromReturn, true);
    assert.notEqual(lock('KeAcquireSpinLockAtDpcLevel').variant, lock('KeAcquireSpinLock').variant);
    const q = lock('KeAcquireInStackQueuedSpinLock');
    const qr = lock('KeReleaseInStackQueuedSpinLock');
    assert.deepEqual([q.lockArg, q.handleArg], [0, 1]);
    assert.deepEqual([qr.lockArg, qr.lockFromHandle, qr.handleArg, qr.family], [-1, true, 0, q.family]);
  });

  test('Ex resources are recursive with a Wait argument; push locks and fast mutexes are not recursive', () => {
    const r = lock('ExAcquireResourceExclusiveLite');
    assert.deepEqual([r.recursive, r.waitArg, r.trySuccess, r.mode], [true, 1, 'nonzero', 'exclusive']);
    assert.equal(lock('ExAcquireResourceSharedLite').mode, 'shared');
    assert.equal(lock('ExReleaseResourceLite').family, r.family);
    assert.ok(!lock('ExAcquirePushLockExclusive').recursive);
    assert.equal(lock('ExReleasePushLockShared').mode, 'shared');
    assert.ok(!lock('ExAcquireFastMutex').recursive);
    assert.equal(lock('ExReleaseFastMutex').family, lock('ExAcquireFastMutex').family);
  });

  test('Linux try-locks: spin/mutex/rwsem trylock nonzero; interruptible, killable and down_trylock zero', () => {
    const success = (n: string): string | undefined => lock(n).trySuccess;
    assert.equal(success('spin_trylock'), 'nonzero');
    assert.equal(success('mutex_trylock'), 'nonzero');
    assert.equal(success('down_read_trylock'), 'nonzero');
    assert.equal(lock('down_read_trylock').mode, 'shared');
    assert.equal(success('mutex_lock_interruptible'), 'zero');
    assert.equal(success('mutex_lock_killable'), 'zero');
    assert.equal(success('down_trylock'), 'zero');
  });

  test('spin_lock_irqsave takes flags by name as the handle and pairs with _irqrestore only', () => {
    const a = lock('spin_lock_irqsave');
    const r = lock('spin_unlock_irqrestore');
    assert.deepEqual([a.handleArg, a.variant, r.handleArg, r.variant], [1, 'irqsave', 1, 'irqsave']);
    assert.equal(lock('spin_unlock').variant, 'plain');
    assert.equal(lock('spin_lock_bh').variant, lock('spin_unlock_bh').variant);
  });

  test('rcu_read_lock is implicit, recursive and shared; rtnl_lock and ovs_lock are implicit mutexes', () => {
    const rcu = lock('rcu_read_lock');
    assert.deepEqual([rcu.lockArg, rcu.implicitLock, rcu.recursive, rcu.mode], [-1, 'rcu', true, 'shared']);
    assert.equal(lock('rcu_read_unlock').implicitLock, 'rcu');
    assert.deepEqual([lock('rtnl_lock').lockArg, lock('rtnl_lock').implicitLock], [-1, 'rtnl_mutex']);
    assert.equal(lock('rtnl_unlock').implicitLock, 'rtnl_mutex');
    assert.equal(lock('ovs_lock').implicitLock, 'ovs_mutex');
  });

  test('OVS userspace and POSIX try-locks return 0 when acquired', () => {
    for (const n of ['ovs_mutex_trylock', 'ovs_rwlock_tryrdlock', 'ovs_spin_trylock', 'pthread_mutex_trylock', 'pthread_rwlock_trywrlock']) {
      assert.equal(lock(n).trySuccess, 'zero', n);
    }
    assert.equal(lock('ovs_rwlock_rdlock').mode, 'shared');
    assert.equal(lock('ovs_rwlock_wrlock').mode, 'exclusive');
    assert.equal(lock('ovs_mutex_lock_at').family, lock('ovs_mutex_unlock').family);
  });

  test('OVS Windows wrappers lock the datapath lock through their first argument', () => {
    const r = lock('OvsAcquireDatapathRead');
    assert.deepEqual([r.mode, r.lockExpr, r.byValue, r.handleArg, r.family], ['shared', '$0->lock', true, 1, 'ndis-rw']);
    assert.equal(lock('OvsAcquireDatapathWrite').mode, 'exclusive');
    assert.equal(lock('OvsReleaseDatapath').lockExpr, '$0->lock');
    assert.equal(lock('OvsAcquirePidHashLock').lockArg, -1);
    assert.equal(lock('OvsReleaseCtrlLock').implicitLock, lock('OvsAcquireCtrlLock').implicitLock);
  });

  test('references: seed macros, OVS userspace, Linux and Windows entries', () => {
    const r = (n: string) => {
      const api = idx.refs.get(n);
      assert.ok(api, n);
      return api;
    };
    assert.deepEqual([r('OVS_REFCOUNT_REFERENCE').kind, r('OVS_REFCOUNT_DEREFERENCE').kind, r('OVS_REFCOUNT_DESTROY').kind], ['get', 'put', 'destroy']);
    assert.deepEqual([r('ovs_refcount_unref').kind, r('ovs_refcount_unref').objFrom, r('ovs_refcount_unref').lastWhen], ['put', 'field', 'returns-one']);
    assert.deepEqual([r('ovs_refcount_try_ref_rcu').kind, r('ovs_refcount_try_ref_rcu').success], ['tryget', 'nonzero']);
    assert.deepEqual([r('netdev_open').kind, r('netdev_open').objArg, r('netdev_open').success], ['returnsRef', 2, 'zero']);
    assert.equal(r('kref_put').lastWhen, 'returns-true');
    assert.equal(r('InterlockedDecrement').lastWhen, 'returns-zero');
    assert.ok(new RegExp(r('InterlockedIncrement').argPattern!, 'i').test('&ctx->RefCount'));
    assert.ok(!new RegExp(r('InterlockedIncrement').argPattern!, 'i').test('&stats->packets'));
    assert.equal(r('OvsAcquireSwitchContext').implicitObj, 'gOvsSwitchContext');
    assert.equal(r('dev_queue_xmit').consumes, 0);
    assert.deepEqual([r('kmem_cache_free').kind, r('kmem_cache_free').objArg], ['free', 1]);
    assert.equal(r('kzalloc').kind, 'alloc');
  });

  test('mutators name the modified container argument', () => {
    const m = (n: string): number | undefined => idx.mutators.get(n)?.containerArg;
    assert.equal(m('hmap_remove'), 0);
    assert.equal(m('cmap_insert'), 0);
    assert.equal(m('list_add'), 1);
    assert.equal(m('list_del'), 0);
    assert.equal(m('rb_erase'), 1);
    assert.equal(m('InsertTailList'), 0);
    assert.equal(m('free'), 0);
    assert.equal(m('hmap_find'), undefined);
  });

  test('non-returning calls include the issue list', () => {
    for (const n of ['abort', 'exit', 'BUG', 'panic', 'ovs_abort', 'OVS_NOT_REACHED', 'KeBugCheckEx']) assert.ok(idx.noReturn.has(n), n);
    assert.ok(!idx.noReturn.has('BUG_ON'), 'BUG_ON only stops when its condition holds');
  });
});
