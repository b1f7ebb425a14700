/**
 * The shape of built-in and configured API knowledge. Argument indexes are 0-based. A lock
 * argument is normalised by the engine (`&dp->lock`, `&(dp->lock)`, `dp->lock` for APIs that take
 * the lock by pointer value are the same lock when `byPointer` says so).
 */

export type LockMode = 'exclusive' | 'shared';

/** See `LockApi.readNesting`. */
export type ReadNesting = 'deadlocks' | 'redundant';

/** Which return value of a try-acquire means "acquired". */
export type TrySuccess = 'nonzero' | 'zero';

export interface LockApi {
  name: string;
  /** `destroy`: the lock is torn down (`ovs_mutex_destroy`, `NdisFreeSpinLock`): whoever held it holds nothing now. */
  kind: 'acquire' | 'release' | 'tryacquire' | 'destroy';
  /** Index of the lock argument; -1 when the lock is implicit (`rtnl_lock()`), see `implicitLock`. */
  lockArg: number;
  /** Name used for the lock when `lockArg` is -1 (e.g. `rtnl_mutex`, `ovs_mutex`). */
  implicitLock?: string;
  /** Acquire mode; releases leave it undefined (they release either) unless the API is mode-specific. */
  mode?: LockMode;
  /**
   * Acquire and release must share a family (`ndis-rw`, `ndis-spin`, `ke-spin`, `linux-spin`, `mutex`,
   * `rwsem`, `rcu`, `ovs-mutex`, `pthread-mutex`, ...). A release of another family is a mismatch.
   */
  family: string;
  /** Variant that must match between acquire and release: `dpr`, `irqsave`, `irq`, `bh`, `plain`, ... */
  variant?: string;
  /** Argument holding the per-acquisition handle (LOCK_STATE_EX, irqsave flags, old IRQL, queued handle). */
  handleArg?: number;
  /** Try-acquire: which return value means success. */
  trySuccess?: TrySuccess;
  /** Recursive locks (ExAcquireResource* with Wait, rcu_read_lock) never double-acquire. */
  recursive?: boolean;
  /**
   * What a second read hold of the lock by its holder is, when it is not simply allowed (plain
   * POSIX and Linux read locks nest): `deadlocks` — the second read acquire can queue behind a
   * waiting writer that waits for the first (OVS rwlocks, which prefer writers); `redundant` — the
   * API allows it but code that means to hold the lock once does not nest it (NDIS_RW_LOCK_EX: a
   * helper that takes the lock itself called with it held). Both are reported as double-acquire.
   */
  readNesting?: ReadNesting;
  /** The lock argument is the lock object itself, not its address (`NdisAcquireRWLockRead(dp->lock, ...)`). */
  byValue?: boolean;
  /**
   * The lock as an expression over the call's arguments (`$0` = first argument) when it is not just
   * an argument: `OvsAcquireDatapathRead(dp, ...)` locks `$0->lock`, `OvsAcquirePidHashLock()` locks
   * `&gOvsSwitchContext->pidHashLock`. Takes precedence over `lockArg` / `implicitLock`, which still
   * hold the closest plain reading for engines that ignore this field.
   */
  lockExpr?: string;
  /**
   * The release names no lock, only the handle in `handleArg`: it releases whatever lock was acquired
   * with that handle (`KeReleaseInStackQueuedSpinLock(&handle)`). `lockArg` is -1 then.
   */
  lockFromHandle?: boolean;
  /** The acquire returns its handle instead of taking it as an argument (`KeAcquireSpinLockRaiseToDpc`, `srcu_read_lock`). */
  handleFromReturn?: boolean;
  /** The mode is given by this argument: nonzero / TRUE = exclusive (`NdisAcquireReadWriteLock(lock, fWrite, state)`). */
  modeArg?: number;
  /**
   * A `Wait` argument: when it is FALSE / 0 the acquire is a try-acquire whose success is `trySuccess`
   * (`ExAcquireResourceExclusiveLite(res, FALSE)`); otherwise the call always acquires.
   */
  waitArg?: number;
}

export type RefKind =
  | 'get'          // +1 on the object argument (dev_hold, kref_get, OVS_REFCOUNT_REFERENCE)
  | 'put'          // -1 on the object argument (dev_put, kref_put, OVS_REFCOUNT_DEREFERENCE)
  | 'tryget'       // +1 when the call succeeds (refcount_inc_not_zero, ovs_refcount_try_ref_rcu)
  | 'returnsRef'   // the return value is a new reference, or NULL / ERR_PTR / failure
  | 'destroy'      // drops the owner's reference and marks for deletion (OVS_REFCOUNT_DESTROY)
  | 'free'         // frees the object argument (kfree, free, ExFreePool)
  | 'alloc'        // returns fresh memory owned by the caller (kmalloc, malloc)
  | 'store';       // keeps the object argument (a field, a table): the caller's reference is handed on (nf_ct_set)

export interface RefApi {
  name: string;
  kind: RefKind;
  /** Index of the object argument (get/put/tryget/destroy/free); for `returnsRef` with an out-parameter, that parameter. */
  objArg?: number;
  /**
   * How the object is named from the argument: `&obj->ref` → obj (`field`), `obj` itself (`self`).
   * For `field`, the engine strips `&` and the last `->field` / `.field`.
   */
  objFrom?: 'self' | 'field';
  /** Try-get / returnsRef success: nonzero or zero return; `nonnull` for pointers (NULL and ERR_PTR fail). */
  success?: 'nonzero' | 'zero' | 'nonnull';
  /** The call takes over the reference passed in this argument (the caller must not drop it). */
  consumes?: number;
  /**
   * `put` that tells whether it dropped the last reference: returns the previous count
   * (ovs_refcount_unref → 1 means last), true when it was the last (refcount_dec_and_test, kref_put),
   * or the new count (InterlockedDecrement → 0 means last).
   */
  lastWhen?: 'returns-one' | 'returns-true' | 'returns-zero';
  /** The last put also frees: it calls the release callback it was given (`kref_put(&x->kref, release)`). */
  lastFrees?: boolean;
  /**
   * The free (or the put's last free) waits for an RCU grace period this thread has not reached
   * (`ovsrcu_postpone(free, x)`): the object stays usable until the thread quiesces, but is not
   * this path's to put or free again.
   */
  deferred?: boolean;
  family?: string;
  /** The object is implicit (no argument names it): `OvsAcquireSwitchContext()` refs `gOvsSwitchContext`. */
  implicitObj?: string;
  /** The object as an expression over the arguments (`$0->dst` for `ip6_rt_put(rt)`, which puts `&rt->dst`). */
  objExpr?: string;
  /** The effect happens only when the call returns this truth (a callee that drops its argument on its error path). */
  when?: 'zero' | 'nonzero';
  /** With `when`: on the other outcome the call may have consumed the object too (types.ts `RefEffect.elseMay`). */
  elseMay?: boolean;
  /**
   * The call counts as a reference operation only when the object argument's text matches this
   * regular expression (case-insensitive): `InterlockedIncrement(&ctx->refCount)` is a get,
   * `InterlockedIncrement(&stats->packets)` is not.
   */
  argPattern?: string;
  /** The entry applies only to calls with this many arguments (an API whose signature changed: old trees keep the old order). */
  arity?: number;
  /** A get that returns its object argument (`return foo_ref(f);` hands the new reference to the caller). */
  returnsArg?: boolean;
  /**
   * The object is an integer id from a pool (`id_pool_alloc_id`, `ida_alloc`), not memory: an
   * `alloc` hands one out, a `free` gives one back. Its value may be copied, compared and printed;
   * after it is given back it is just a number (no use-after-release).
   */
  handle?: boolean;
  /**
   * For a handle returned by value: what the call returns when it fails — a named constant
   * (`INVALID_MARK`), `0`, or `<0` (a negative errno: `ida_alloc`). A path on which the result is
   * that value owns nothing.
   */
  invalid?: string;
  /**
   * For a put or free of an argument's field (`objExpr` `$0->f`, from a callee's body): the reference
   * held in that field is gone, which concerns the caller's copies of the field; the field itself
   * is the callee's to reset (it usually sets it to NULL), so it is not marked.
   */
  heldInField?: boolean;
  /** For a handle alloc: the argument naming the pool (ids from a pool local to the function are its own business). */
  poolArg?: number;
}

/** A function whose call never returns (abort, BUG, KeBugCheckEx, ...). */
export interface NoReturnApi {
  name: string;
}

/** Calls that modify the structure they are given (for write-under-read). */
export interface MutatorApi {
  name: string;
  /** Index of the argument whose container is modified (e.g. hmap_remove(&m->entries, ...) → 0). */
  containerArg: number;
}

/**
 * A call asserting that a lock is held (`lockdep_assert_held(&dp->lock)`). Before the function takes
 * that lock itself, the assertion says its caller holds it, as a `__must_hold` contract would: the
 * function may drop and retake it, and mutations under a read-mode assertion are checked.
 */
export interface HeldAssertionApi {
  name: string;
  lockArg: number;
  /** `shared` for read-mode assertions (`lockdep_assert_held_read`); otherwise held exclusively. */
  mode?: LockMode;
}

/** A datapath's flow-table functions (project config `flowTable`), for protocol extraction. */
export interface FlowTableApis {
  lookup: string[];
  insert: string[];
  remove: string[];
  free: string[];
  use: string[];
}

export interface ApiKnowledge {
  locks: LockApi[];
  refs: RefApi[];
  noReturn: NoReturnApi[];
  mutators: MutatorApi[];
  /** Lock-held assertions; absent in hand-built knowledge (tests), which then has none. */
  heldAssertions?: HeldAssertionApi[];
  /** Only when a project config names them. */
  flowTable?: FlowTableApis;
}
