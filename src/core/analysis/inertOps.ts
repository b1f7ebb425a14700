import { rootVariable } from './exprs';
import type { Op } from './ops';
import { refOpIsInert } from './refTransfer';
import { mayTouchGuarded } from './guardedFields';
import type { AbsState } from './state';
import { isCountBump } from './tryRef';
import type { FnContext } from './fnContext';
import { slotCallee } from './calleeTransfer';
import { onceApi } from './onceLocks';
import { opSleeps } from './sleepInAtomic';
import { copiedField } from './fieldDrops';

/**
 * Whether evaluating `ops` in state `s` would leave the state exactly as it is and report nothing,
 * so the explorer can pass `s` on without cloning it. This mirrors what `applyOp` does for each op
 * kind and must stay in step with it: it answers false whenever an op could act (a lock call; a
 * mutation under a shared lock; a summarised callee with effects, or with locks to order; a fact
 * the op could change; and whatever `refOpIsInert` says of references and released objects).
 * The fixture suite and the benchmark corpora give identical findings either way.
 */
export function opsAreInert(ctx: FnContext, ops: readonly Op[], s: AbsState): boolean {
  for (const op of ops) {
    // Owned references and released objects: refTransfer.ts says, beside the code it mirrors.
    if (!refOpIsInert(ctx, op, s)) return false;
    if (op.op === 'use') {
      if (mayTouchGuarded(ctx, op.node)) return false;
      continue;
    }
    if (op.op === 'assign') {
      const lhs = op.lhs;
      const name = lhs.type === 'identifier' ? lhs.text : rootVariable(lhs.text);
      if (!name) continue;
      if (s.facts.some((f) => f.key === name || f.roots.includes(name))) return false;
      if (lhs.type === 'identifier' && op.rhs && ctx.condVars.has(name)) return false;
      // A copy of a field some call here may drop (fieldDrops.ts).
      if (op.rhs && copiedField(lhs, op.rhs, ctx.droppableFields, ctx.isLocal)) return false;
      // A counted object reached under a lock starts a watch (protection.ts).
      if (lhs.type === 'identifier' && op.rhs && s.locks.length > 0 && ctx.managed(name) && ctx.isLocal(name)) return false;
      // Assigning the variable a held lock is named through forgets that lock (transfer.ts).
      if (lhs.type === 'identifier' && s.locks.some((l) => !l.fromEntry && l.id !== name && rootVariable(l.id) === name)) return false;
      // Moving the index of a batch's array forgets its element locks (batchLocks.ts).
      if (lhs.type === 'identifier' && ctx.batches && s.locks.some((l) => !l.fromEntry)) return false;
      continue;
    }
    if (!callIsInert(ctx, op.name, s)) return false;
    // A call that may sleep, with a lock held that may make the path atomic (sleepInAtomic.ts).
    if (s.locks.length > 0 && opSleeps(op, ctx.call(op.name)) !== undefined) return false;
    // Through an operations table whose implementations take locks; a run-once call (onceLocks.ts).
    if (op.name === '' ? slotCallee(ctx, op.node) !== undefined : onceApi(op.name) !== undefined) return false;
    if (ctx.guardedFields.size > 0 && /FOR_EACH/.test(op.name)) return false;
    if (s.facts.length > 0 && op.args.some((a) => a.type === 'pointer_expression' && a.text.startsWith('&'))) return false;
  }
  return true;
}

function callIsInert(ctx: FnContext, name: string, s: AbsState): boolean {
  const k = ctx.call(name);
  if (k.lock || k.lockEffects.length > 0) return false;
  // `atomic_inc(&t->refcnt)` on an object only RCU keeps alive (tryRef.ts).
  if (isCountBump(name) && s.locks.length > 0) return false;
  // A mutation is a write-under-read only under a shared lock.
  if (ctx.index.mutators.has(name) && s.locks.some((l) => l.mode === 'shared')) return false;
  // A callee that requires a lock (a contract, or one read from its body: a precondition that travels).
  if (k.summary?.effects.some((e) => e.op === 'requires' && (e.source === 'annotation' || e.needed))) return false;
  // The callee's own locks: order edges and re-acquisition, and this function's summary records them.
  return (k.summary?.acquires.length ?? 0) === 0;
}
