import type { SyntaxNode as Node } from '../c/syntax';
import type { SourceRange } from '../source';
import type { CallKnowledge } from './callKnowledge';
import type { Branch, FnContext } from './fnContext';
import { atomicMarkAt, mayAllocateSleeping, SLEEPING_FAMILIES, SLEEPS } from './lockContext';
import type { HeldLock } from './state';
import { calleeName, callArgs, type Op } from './ops';

/**
 * context-mismatch, the sleep-in-atomic half: a call that may sleep made where the path cannot
 * sleep. Atomic here means a spin lock, rwlock or seqlock held (Linux), an RCU read-side section
 * (`rcu_read_lock`; SRCU sections may sleep and do not count), bottom halves or interrupts turned
 * off by hand, or an NDIS / WDK spin lock or RW lock held (IRQL is DISPATCH_LEVEL there). A call
 * may sleep when the API says so (`msleep`, `synchronize_rcu`, `copy_from_user`, a mutex or
 * rw-semaphore acquire, a `GFP_KERNEL` allocation, a netlink reply, `KeWaitForSingleObject` with no
 * timeout, `NdisMSleep`, …) or when a callee's summary takes a sleeping lock. Locks held on entry
 * are left out (the caller's context is not this function's to judge), and so are trylocks.
 * smatch's `check_sleep_info` and the kernel's `might_sleep()` warnings find this class at runtime.
 */

const ATOMIC_FAMILIES = new Set(['linux-spin', 'linux-rwlock', 'linux-seqlock', 'rcu', 'ndis-spin', 'ndis-rw', 'ndis-rw-legacy', 'ke-spin', 'ke-queued-spin']);

/** Netlink replies allocate with GFP_KERNEL outside softirq context (they take no gfp argument). */
const NETLINK_SENDS = new Set(['genlmsg_reply', 'genlmsg_unicast', 'nlmsg_unicast', 'netlink_unicast', 'rtnl_unicast']);

/** Windows kernel calls that wait or must run below DISPATCH_LEVEL. */
const WDK_WAITS = new Set([
  'NdisMSleep', 'KeDelayExecutionThread', 'NdisWaitEvent', 'ExAcquireResourceExclusiveLite', 'ExAcquireResourceSharedLite',
  'ExAcquireFastMutex', 'KeWaitForMutexObject', 'ObReferenceObjectByHandle', 'IoGetDeviceObjectPointer',
]);
const WDK_TIMED_WAITS = new Map([['KeWaitForSingleObject', 4], ['KeWaitForMultipleObjects', 6]]);

/**
 * Why a call op may sleep (its callee's knowledge does not change during one function's search):
 * asked for every state at the op, by the explorer's inert-op test and the transfer, so read once.
 */
const sleepsAt = new WeakMap<Op, string | null>();

export function opSleeps(op: Op & { op: 'call' }, k: CallKnowledge): string | undefined {
  let why = sleepsAt.get(op);
  if (why === undefined) sleepsAt.set(op, (why = sleepsBecause(op.name, op.args, k) ?? null));
  return why ?? undefined;
}

/** Why the call may sleep, said for the message; undefined when it does not. */
export function sleepsBecause(name: string, args: Node[], k: CallKnowledge): string | undefined {
  if (!name || (k.lock && k.lock.kind !== 'acquire')) return undefined;
  if (SLEEPS.has(name)) return `\`${name}\` may sleep`;
  if (NETLINK_SENDS.has(name)) return `\`${name}\` may sleep (outside softirq context it allocates with GFP_KERNEL)`;
  if (WDK_WAITS.has(name) || /^Zw[A-Z]/.test(name)) return `\`${name}\` must run below DISPATCH_LEVEL (it may wait)`;
  const timeoutArg = WDK_TIMED_WAITS.get(name);
  if (timeoutArg !== undefined && /^\(?\s*(NULL|0)\s*\)?$/.test(args[timeoutArg]?.text.trim() ?? '')) return `\`${name}\` waits with no timeout`;
  if (k.lock && k.lock.kind === 'acquire' && SLEEPING_FAMILIES.has(k.lock.family)) return `\`${name}\` takes a sleeping lock`;
  if (mayAllocateSleeping(args)) return `\`${name}(…, GFP_KERNEL)\` may sleep to wait for memory`;
  if (k.summary?.sleeps) return `\`${name}\` may sleep (${[name, ...k.summary.sleeps].join(' → ')})`;
  const inner = k.summary?.acquires.find((a) => SLEEPING_FAMILIES.has(a.family) && !a.recursive);
  if (inner) return `\`${name}\` takes \`${inner.lock.replace(/@.*$/, '')}\`, a sleeping lock${inner.chain.length > 0 ? ` (inside ${[name, ...inner.chain].join(' → ')})` : ''}`;
  return undefined;
}

/** What makes this point atomic: a lock held here, or a hand-made section; undefined when the path may sleep. */
function atomicBecause(ctx: FnContext, b: Branch, call: Node): { what: string; lock?: HeldLock } | undefined {
  const lock = b.s.locks.find((l) => !l.fromEntry && ATOMIC_FAMILIES.has(l.family) && l.id !== 'srcu');
  if (lock) {
    const what = lock.family === 'rcu' ? `inside an RCU read-side critical section (\`${lock.api}\` at line ${lock.site.start.line + 1})`
      : lock.family.startsWith('linux-') ? `with \`${lock.display}\` held (\`${lock.api}\` at line ${lock.site.start.line + 1}), a spinning lock`
        : `with \`${lock.display}\` held (\`${lock.api}\` at line ${lock.site.start.line + 1}), so IRQL is DISPATCH_LEVEL`;
    return { what, lock };
  }
  const mark = atomicMarkAt(ctx, call);
  return mark ? { what: `after \`${mark}\` with no undoing call between` } : undefined;
}

/** A call that may sleep (`sleeps`: sleepsBecause) on a path that cannot: a context-mismatch event. */
export function checkSleepInAtomic(ctx: FnContext, nodeId: number, b: Branch, name: string, sleeps: string, call: Node, range: SourceRange): void {
  const atomic = atomicBecause(ctx, b, call);
  if (!atomic) return;
  const fix = atomic.lock?.family === 'rcu' ? 'Leave the section before the call (what it needs was read under it), or use a form that does not sleep'
    : atomic.lock ? 'Release the lock before the call, or use a form that does not sleep (GFP_ATOMIC, a trylock, a deferred work item)'
      : 'Make the call before turning them off or after turning them back on';
  const message = `${sleeps}, but it is called ${atomic.what}: sleeping in atomic context can deadlock or corrupt the scheduler's state. ${fix}`;
  ctx.sink.add(nodeId, `sleep-in-atomic@${name}`, { kind: 'context-mismatch', api: name, display: atomic.lock?.display ?? name, why: 'sleep-in-atomic', message, context: atomic.lock?.site, range, trail: b.s.trail });
}

/** Turning interrupts, bottom halves or preemption off by hand: a body that does it is not judged as a whole. */
const HAND_MADE_ATOMIC = /\b(?:local_bh_disable|local_irq_save|local_irq_disable|preempt_disable|KeRaiseIrql\w*)\s*\(/;

/**
 * A callee's "may sleep" for its callers: the chain from the function to a call that may sleep
 * (`['vport_alloc', 'kzalloc(…, GFP_KERNEL)']` read as "calls vport_alloc, which calls …"),
 * when the body takes no atomic lock and turns nothing off by hand — where it does, whether the
 * call sits inside the atomic part is a question of paths, and the summary stays silent.
 */
export function sleepChain(body: Node, callOf: (name: string) => CallKnowledge): string[] | undefined {
  if (HAND_MADE_ATOMIC.test(body.text)) return undefined;
  let first: string[] | undefined;
  for (const call of body.indexedDescendants('call_expression')) {
    const name = calleeName(call);
    if (!name) continue;
    const k = callOf(name);
    if (k.lock && (k.lock.kind === 'acquire' || k.lock.kind === 'tryacquire') && ATOMIC_FAMILIES.has(k.lock.family)) return undefined;
    if (k.lockEffects.some((e) => e.op === 'acquire' || e.op === 'try')) return undefined;
    if (first) continue;
    // A netlink send sleeps only outside softirq context: said at the call, never passed up to callers
    // (the datapath's receive path sends upcalls from softirq, where the send does not sleep).
    if (k.summary?.sleeps) first = [name, ...k.summary.sleeps];
    else if (!NETLINK_SENDS.has(name) && sleepsBecause(name, callArgs(call), k)) first = [mayAllocateSleeping(callArgs(call)) && !SLEEPS.has(name) ? `${name}(…, GFP_KERNEL)` : name];
  }
  return first && first.length <= 6 ? first : undefined;
}
