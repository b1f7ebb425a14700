// How one op (assignment, use, call) changes each path state: the entry point of the transfer
// functions (locks: lockTransfer.ts, callees: calleeTransfer.ts, references: refTransfer.ts).
import type { SyntaxNode as Node } from '../c/syntax';
import { rangeOf, type SourceRange } from '../source';
import { identifiersOf, lockIdentity, normalizeLvalue, ownerOf, rootVariable, squash } from './exprs';
import type { Op } from './ops';
import { onceApi } from './onceLocks';
import { applyRefOp } from './refTransfer';
import { invalidOf, resultOf } from './callResults';
import { invalidFact } from './idHandles';
import { noteFieldCopy } from './fieldDrops';
import { noteReached } from './protection';
import { notePacketView } from './packetViews';
import { checkGuarded } from './guardedFields';
import { getFact, holdsError, killFacts, killFactsThrough, setFact, type AbsState } from './state';
import { isCountBump, noteUnconditionalRef } from './tryRef';
import { constantTruth, isErrorConstant, unparenCasts as unparen } from './truth';
import type { FnContext, Branch } from './fnContext';
import { lockCall, summaryCall } from './lockTransfer';
import { requiredLocks, calleeAcquires, slotCallee, onceCall } from './calleeTransfer';
import { checkSleepInAtomic, opSleeps } from './sleepInAtomic';
import { forgetBatchLocks } from './batchLocks';

/** Applies one op to every branch; returns the branches after it (try-calls fork). */
export function applyOp(ctx: FnContext, nodeId: number, op: Op, branches: Branch[]): Branch[] {
  if (op.op === 'assign') {
    for (const b of branches) assign(ctx, b, op.lhs, op.rhs);
    const out = applyRefOp(ctx, nodeId, op, branches);
    for (const b of out) {
      noteReached(ctx, b, op);
      notePacketView(ctx, b, op.lhs, op.rhs);
    }
    return out;
  }
  if (op.op === 'use') {
    if (ctx.guardedFields.size > 0) for (const b of branches) checkGuarded(ctx, nodeId, b, op.node);
    return applyRefOp(ctx, nodeId, op, branches);
  }
  const out: Branch[] = [];
  const range = rangeOf(op.node);
  const k = ctx.call(op.name);
  const through = op.name === '' ? slotCallee(ctx, op.node) : undefined;
  const once = onceApi(op.name);
  const sleeps = opSleeps(op, k);
  for (const b of branches) {
    if (sleeps) checkSleepInAtomic(ctx, nodeId, b, op.name, sleeps, op.node, range);
    if (once) onceCall(ctx, nodeId, b, once, op.args, range);
    if (k.summary) calleeAcquires(ctx, nodeId, b, k.summary, op.args, range);
    else if (through) calleeAcquires(ctx, nodeId, b, through, op.args, range);
    if (k.summary) requiredLocks(ctx, nodeId, b, k.summary, op.args, range);
    // `HMAP_FOR_EACH (q, node, &pmd->poll_list)`: walking a guarded container reads it.
    if (ctx.guardedFields.size > 0 && /FOR_EACH/.test(op.name)) {
      for (const a of op.args) {
        const f = a.type === 'pointer_expression' ? a.childForFieldName('argument') : a;
        if (f?.type === 'field_expression') checkGuarded(ctx, nodeId, b, f, true);
      }
    }
    if (k.lock) out.push(...lockCall(ctx, nodeId, b, k.lock, op.node, op.args, range));
    else if (k.lockEffects.length > 0) out.push(...summaryCall(ctx, nodeId, b, k.lockEffects, op.name, op.args, range, op.node.id));
    else {
      mutatorCheck(ctx, nodeId, b, op.name, op.args, range);
      for (const a of op.args) {
        // Passing `&v` (or `&v.f`) lets the callee change v: what we knew about v is gone. `&v->f`
        // lets it change what v points to, not v.
        if (a.type === 'pointer_expression' && a.text.startsWith('&')) {
          const place = normalizeLvalue(a.text.slice(1));
          const v = rootVariable(place);
          if (v && !/^[A-Za-z_]\w*(\[[^\]]*\])?->/.test(place)) killFacts(b.s, v);
        }
      }
      out.push(b);
    }
  }
  if (k.refs || isCountBump(op.name)) for (const b of out) noteUnconditionalRef(ctx, nodeId, b, op);
  return applyRefOp(ctx, nodeId, op, out);
}

function mutatorCheck(ctx: FnContext, nodeId: number, b: Branch, name: string, args: Node[], range: SourceRange): void {
  const m = ctx.index.mutators.get(name);
  if (!m || b.s.locks.length === 0) return;
  const a = args[m.containerArg];
  if (!a) return;
  const container = ctx.qualify(lockIdentity(a.text, false));
  const owner = ownerOf(container);
  const sameOwner = b.s.locks.filter((l) => ownerOf(l.id) === owner || (owner.startsWith(`${ownerOf(l.id)}->`) && ownerOf(l.id) !== l.id));
  if (sameOwner.length === 0 || sameOwner.some((l) => l.mode === 'exclusive')) return;
  const lock = sameOwner[0]!;
  ctx.sink.add(nodeId, lock.id, { kind: 'write-under-read', lock: { ...lock }, api: name, range, container: squash(a.text), trail: b.s.trail });
}

function assign(ctx: FnContext, b: Branch, lhs: Node, rhs: Node | null): void {
  const name = lhs.type === 'identifier' ? lhs.text : rootVariable(lhs.text);
  if (!name) return;
  // `entry->parent = NULL` changes what `entry` points to, not `entry`: its own truth stays.
  if (lhs.type === 'identifier') killFacts(b.s, name);
  else killFactsThrough(b.s, name);
  if (lhs.type === 'identifier' && b.s.locks.length > 0) {
    forgetLocksThrough(b.s, name);
    if (ctx.batches) forgetBatchLocks(b.s, name, ctx.batches);
  }
  if (rhs) noteFieldCopy(b.s, lhs, rhs, ctx.droppableFields, ctx.isLocal);
  if (lhs.type !== 'identifier' && rhs) {
    const invalid = invalidOf(b.env, unparen(rhs).id);
    if (invalid !== undefined) {
      const fact = invalidFact(ctx, unparen(rhs), lhs, invalid);
      if (fact) setFact(b.s, fact);
      return;
    }
    // `vport->dev = dev_get_by_name(...)`: the branch that got no reference has NULL there, and a
    // later `if (!vport->dev)` must agree with it.
    const fromCall = resultOf(b.env, unparen(rhs).id);
    if (fromCall) setFact(b.s, { key: `c:${squash(lhs.text)}`, value: fromCall, roots: identifiersOf(lhs.text), readsMemory: true });
    return;
  }
  if (lhs.type !== 'identifier' || !rhs || !ctx.condVars.has(name)) return;
  const r = unparen(rhs);
  const invalid = invalidOf(b.env, r.id);
  if (invalid !== undefined) {
    // An id or the call's failure value: what a later `id == INVALID` / `id < 0` test will find.
    const fact = invalidFact(ctx, r, lhs, invalid);
    if (fact) setFact(b.s, fact);
    return;
  }
  const fromCall = resultOf(b.env, r.id);
  const truth = fromCall ?? constantTruth(r.text) ?? (r.type === 'identifier' ? getFact(b.s, r.text) : undefined);
  const error = fromCall === undefined && (isErrorConstant(r.text) || (r.type === 'identifier' && holdsError(b.s, r.text)));
  if (truth) setFact(b.s, error ? { key: name, value: truth, roots: [name], error } : { key: name, value: truth, roots: [name] });
}

/** `slot = next` while `slot->mutex` is held: that lock is held still, but no longer by this name. */
function forgetLocksThrough(s: AbsState, name: string): void {
  const through = s.locks.filter((l) => !l.fromEntry && l.id !== name && rootVariable(l.id) === name);
  if (through.length === 0) return;
  s.locks = s.locks.filter((l) => !through.includes(l));
  s.forgotten = [...s.forgotten, ...through.map((l) => l.id).filter((id) => !s.forgotten.includes(id))];
}

