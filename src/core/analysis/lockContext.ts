import type { SyntaxNode as Node } from '../c/syntax';
import type { LockApi } from '../apis/types';
import type { SourceRange } from '../source';
import { calleeName, callArgs } from './ops';
import type { AbsState, HeldLock } from './state';
import type { Branch, FnContext } from './fnContext';

/**
 * context-mismatch, the per-path half: whether an acquire's variant fits what the path knows of
 * the execution context.
 *
 * NDIS / WDK: a held spin lock or NDIS RW lock, `KeRaiseIrql…`, or an assertion of DISPATCH_LEVEL
 * means IRQL is DISPATCH_LEVEL: `NdisAcquireRWLockRead/Write` must then be told so
 * (`NDIS_RWL_AT_DISPATCH_LEVEL`) instead of flags 0. The other way round, `PAGED_CODE()` or an
 * assertion of PASSIVE/APC level says IRQL is below DISPATCH_LEVEL, where `NdisDprAcquireSpinLock`,
 * `…AtDpcLevel` and `NDIS_RWL_AT_DISPATCH_LEVEL` lie about it. With nothing known (no marker, no
 * raising lock) the caller may have raised IRQL: quiet.
 *
 * Linux: each spin/rw lock acquire is recorded with its class and variant; a plain acquire is
 * recorded only where the path is known to run in process context with bottom halves and
 * interrupts on. The set-level half (lockVariants.ts) pairs them across the inputs.
 */

/** Lock families whose acquire raises IRQL to DISPATCH_LEVEL. */
const RAISING = new Set(['ndis-spin', 'ndis-rw', 'ndis-rw-legacy', 'ke-spin', 'ke-queued-spin']);

/** Acquires that assume DISPATCH_LEVEL already. */
const AT_DISPATCH = new Set(['dpr', 'dpc']);

const RAISE_CALLS = new Set(['KeRaiseIrql', 'KeRaiseIrqlToDpcLevel', 'KeRaiseIrqlToSynchLevel']);
const LOWER_CALLS = new Set(['KeLowerIrql']);
const ASSERTS = new Set(['ASSERT', 'NT_ASSERT', 'NT_ASSERTMSG', 'WARN_ON', 'BUG_ON']);
const AT_DISPATCH_ASSERT = /KeGetCurrentIrql\s*\(\s*\)\s*(==|>=)\s*DISPATCH_LEVEL/;
const BELOW_DISPATCH_ASSERT = /KeGetCurrentIrql\s*\(\s*\)\s*(==\s*PASSIVE_LEVEL|<=\s*(PASSIVE|APC)_LEVEL|<\s*DISPATCH_LEVEL)/;

/** Linux calls that may sleep: a function that makes one runs in process context. */
export const SLEEPS = new Set([
  'might_sleep', 'msleep', 'msleep_interruptible', 'ssleep', 'usleep_range', 'schedule', 'schedule_timeout',
  'wait_for_completion', 'wait_for_completion_timeout', 'wait_for_completion_interruptible', 'synchronize_rcu',
  'synchronize_net', 'synchronize_rcu_expedited', 'rcu_barrier', 'copy_from_user', 'copy_to_user', 'get_user',
  'put_user', 'vmalloc', 'vzalloc', 'flush_work', 'cancel_work_sync', 'cancel_delayed_work_sync', 'kthread_stop',
]);
export const SLEEPING_FAMILIES = new Set(['linux-mutex', 'linux-rwsem', 'linux-semaphore']);
const BH_OFF = new Set(['local_bh_disable']);
const BH_ON = new Set(['local_bh_enable']);
const IRQ_OFF = new Set(['local_irq_save', 'local_irq_disable']);
const IRQ_ON = new Set(['local_irq_restore', 'local_irq_enable']);
/** Lock families with plain / _bh / _irq / _irqsave forms. */
const LINUX_VARIANT_FAMILIES = new Set(['linux-spin', 'linux-rwlock', 'linux-seqlock']);

/** What the function's text says of its context, by position (offsets of the calls). */
interface ContextMarks {
  raises: number[];
  lowers: number[];
  atDispatch: number[];
  belowDispatch: number[];
  /** A call that may sleep, anywhere in the body, as written (for the message). */
  sleeps?: string;
  bhOff: number[];
  bhOn: number[];
  irqOff: number[];
  irqOn: number[];
}

const memo = new WeakMap<Node, ContextMarks>();

function rootOf(n: Node): Node {
  let r = n;
  while (r.parent) r = r.parent;
  return r;
}

function marksOf(ctx: FnContext, n: Node): ContextMarks {
  const root = rootOf(n);
  const hit = memo.get(root);
  if (hit) return hit;
  const m: ContextMarks = { raises: [], lowers: [], atDispatch: [], belowDispatch: [], bhOff: [], bhOn: [], irqOff: [], irqOn: [] };
  const body = root.childForFieldName('body') ?? root;
  for (const c of body.indexedDescendants('call_expression')) {
    const name = calleeName(c);
    if (!name) continue;
    const at = c.startIndex;
    if (RAISE_CALLS.has(name)) m.raises.push(at);
    else if (LOWER_CALLS.has(name)) m.lowers.push(at);
    else if (name === 'PAGED_CODE') m.belowDispatch.push(at);
    else if (ASSERTS.has(name)) {
      if (AT_DISPATCH_ASSERT.test(c.text)) m.atDispatch.push(at);
      else if (BELOW_DISPATCH_ASSERT.test(c.text)) m.belowDispatch.push(at);
    } else if (BH_OFF.has(name)) m.bhOff.push(at);
    else if (BH_ON.has(name)) m.bhOn.push(at);
    else if (IRQ_OFF.has(name)) m.irqOff.push(at);
    else if (IRQ_ON.has(name)) m.irqOn.push(at);
    if (!m.sleeps && sleeps(ctx, name, c)) m.sleeps = SLEEPS.has(name) || ctx.index.locks.has(name) ? name : `${name}(…, GFP_KERNEL)`;
  }
  memo.set(root, m);
  return m;
}

function sleeps(ctx: FnContext, name: string, call: Node): boolean {
  if (SLEEPS.has(name)) return true;
  const lock = ctx.index.locks.get(name);
  if (lock && lock.kind !== 'release' && lock.kind !== 'destroy' && SLEEPING_FAMILIES.has(lock.family)) return true;
  return mayAllocateSleeping(callArgs(call));
}

/** An allocation that may wait for memory: `GFP_KERNEL` passed (alone or with modifier bits). */
export function mayAllocateSleeping(args: readonly Node[]): boolean {
  return args.some((a) => /^GFP_KERNEL(\s*\|\s*__GFP_\w+)*$/.test(a.text.trim()));
}

/** Interrupts or bottom halves turned off by hand before `call` and not back on: the call that did it. */
export function atomicMarkAt(ctx: FnContext, call: Node): string | undefined {
  const m = marksOf(ctx, call);
  const at = call.startIndex;
  if (inForce(m.irqOff, m.irqOn, at)) return 'local_irq_save/local_irq_disable';
  if (inForce(m.bhOff, m.bhOn, at)) return 'local_bh_disable';
  return undefined;
}

/** A marker before `at` with no undoing marker between them. */
function inForce(on: number[], off: number[], at: number): boolean {
  const last = Math.max(-1, ...on.filter((x) => x < at));
  return last >= 0 && !off.some((x) => x > last && x < at);
}

/** A held lock that raised IRQL (the lock being taken again, recursively, aside: one finding is enough there). */
function raisingLock(s: AbsState, except: string): HeldLock | undefined {
  return s.locks.find((l) => !l.fromEntry && RAISING.has(l.family) && l.id !== except);
}

export interface LockVariantUse {
  /** Lock class (`datapath::lock`, or a global's name). */
  cls: string;
  display: string;
  api: string;
  variant: 'plain' | 'bh' | 'irq' | 'irqsave';
  uri: string;
  fn: string;
  range: SourceRange;
  /** Plain acquires: why the path runs in process context, and what it has turned off. */
  process?: string;
  off?: 'none' | 'bh' | 'irq';
}

/** Before an acquire: NDIS IRQL checks (events) and the Linux variant record. */
export function checkAcquireContext(ctx: FnContext, nodeId: number, b: Branch, api: LockApi, call: Node, args: Node[], range: SourceRange, lockDisplay: string, lockId: string): void {
  if (api.kind !== 'acquire' && api.kind !== 'tryacquire') return;
  if (api.family === 'ndis-rw' || RAISING.has(api.family) || api.family === 'ndis-rw-legacy') ndisContext(ctx, nodeId, b, api, call, args, range, lockDisplay, lockId);
  else if (LINUX_VARIANT_FAMILIES.has(api.family)) recordVariant(ctx, b, api, call, range, lockDisplay, lockId);
}

function ndisContext(ctx: FnContext, nodeId: number, b: Branch, api: LockApi, call: Node, args: Node[], range: SourceRange, display: string, id: string): void {
  const m = marksOf(ctx, call);
  const at = call.startIndex;
  const held = raisingLock(b.s, id);
  const raisedBy = held ? `\`${held.display}\` is held (${held.api}, line ${held.site.start.line + 1})`
    : inForce(m.raises, m.lowers, at) ? 'IRQL was raised with KeRaiseIrql earlier in the function'
      : m.atDispatch.some((x) => x < at) ? 'the function asserts DISPATCH_LEVEL before it' : undefined;
  const below = !raisedBy && m.belowDispatch.some((x) => x < at) && !m.raises.some((x) => x < at);
  if (api.family === 'ndis-rw') {
    const flags = args[2]?.text.trim();
    if (flags === undefined) return;
    if (raisedBy && /^(0|0x0+|0[uUlL]*)$/.test(flags)) {
      event(ctx, nodeId, b, api, range, display, 'dispatch-flags-missing',
        `\`${api.name}\` is called with flags 0 while IRQL is already DISPATCH_LEVEL: ${raisedBy}. Pass \`NDIS_RWL_AT_DISPATCH_LEVEL\` so NDIS does not raise and test IRQL again`, held?.site);
    } else if (below && /^NDIS_RWL_AT_DISPATCH_LEVEL$/.test(flags)) {
      event(ctx, nodeId, b, api, range, display, 'dispatch-flag-at-passive',
        `\`${api.name}\` is told \`NDIS_RWL_AT_DISPATCH_LEVEL\`, but this code runs below DISPATCH_LEVEL (it says so with \`PAGED_CODE()\` or an IRQL assertion) and holds no spin lock here: NDIS will not raise IRQL, and the lock is held at PASSIVE_LEVEL where the thread can be preempted. Pass 0`);
    }
    return;
  }
  if (AT_DISPATCH.has(api.variant ?? '') && below && !held) {
    event(ctx, nodeId, b, api, range, display, 'dpr-at-passive',
      `\`${api.name}\` assumes IRQL is already DISPATCH_LEVEL, but this code runs below DISPATCH_LEVEL (it says so with \`PAGED_CODE()\` or an IRQL assertion) and holds no spin lock here: the lock is taken without raising IRQL, so a DPC on this processor that takes it deadlocks. Use the form that raises IRQL (${api.name.replace(/^NdisDpr/, 'Ndis').replace(/AtDpcLevel$/, '')})`);
  }
}

function event(ctx: FnContext, nodeId: number, b: Branch, api: LockApi, range: SourceRange, display: string, why: string, message: string, context?: SourceRange): void {
  ctx.sink.add(nodeId, `${why}@${display}`, { kind: 'context-mismatch', api: api.name, display, why, message, context, range, trail: b.s.trail });
}

function recordVariant(ctx: FnContext, b: Branch, api: LockApi, call: Node, range: SourceRange, display: string, id: string): void {
  const variant = api.variant === 'bh' || api.variant === 'irq' || api.variant === 'irqsave' ? api.variant : api.variant === 'plain' ? 'plain' : undefined;
  if (!variant || !ctx.lockVariants) return;
  const cls = ctx.classOf(id);
  // Only classes two functions can agree on: a field of a known struct type, or a global.
  if (!cls.includes('::') && !/^[A-Za-z_]\w*(@\S+)?$/.test(cls)) return;
  const base = { cls, display, api: api.name, variant, uri: ctx.uri, fn: ctx.fnName, range } as const;
  if (variant !== 'plain') {
    push(ctx.lockVariants, base);
    return;
  }
  const m = marksOf(ctx, call);
  const at = call.startIndex;
  const mutex = b.s.locks.find((l) => !l.fromEntry && SLEEPING_FAMILIES.has(l.family));
  const process = mutex ? `\`${mutex.display}\`, a sleeping lock, is held here` : m.sleeps ? `the function calls \`${m.sleeps}\`, which may sleep` : undefined;
  if (!process) return;
  const irqOff = b.s.locks.some((l) => l.family.startsWith('linux-') && (l.variant === 'irq' || l.variant === 'irqsave')) || inForce(m.irqOff, m.irqOn, at);
  const bhOff = irqOff || b.s.locks.some((l) => (l.family.startsWith('linux-') && l.variant === 'bh') || l.id === 'rcu_bh') || inForce(m.bhOff, m.bhOn, at);
  push(ctx.lockVariants, { ...base, process, off: irqOff ? 'irq' : bhOff ? 'bh' : 'none' });
}

function push(list: LockVariantUse[], u: LockVariantUse): void {
  const same = list.find((x) => x.variant === u.variant && x.range.start.line === u.range.start.line && x.range.start.column === u.range.start.column);
  if (!same) list.push(u);
  // Seen on another path with more turned off: the quieter reading wins.
  else if (u.off && same.off && rank(u.off) > rank(same.off)) same.off = u.off;
}

function rank(o: 'none' | 'bh' | 'irq'): number {
  return o === 'none' ? 0 : o === 'bh' ? 1 : 2;
}
