import { rootVariable } from './exprs';
import type { Op } from './ops';
import { PUBLISHERS } from './refTransfer';
import type { AbsState } from './state';
import type { FnContext } from './transfer';

/**
 * Whether evaluating `ops` in state `s` would leave the state exactly as it is and report nothing,
 * so the explorer can pass `s` on without cloning it. This mirrors what `applyOp` does for each op
 * kind and must stay in step with it: it answers false whenever an op could act (a lock, reference,
 * mutator or publishing call; a summarised callee with effects, or with locks to order; a fact, an
 * owned reference or a dead object the op could touch). The fixture suite compares both paths.
 */
export function opsAreInert(ctx: FnContext, ops: readonly Op[], s: AbsState): boolean {
  // A dead object makes every use, argument and assignment a question (use-after-release).
  if (s.dead.length > 0) return false;
  for (const op of ops) {
    if (op.op === 'use') continue;
    if (op.op === 'assign') {
      // Owned references move with stores and are lost when their variable is overwritten.
      if (s.refs.length > 0) return false;
      const lhs = op.lhs;
      const name = lhs.type === 'identifier' ? lhs.text : rootVariable(lhs.text);
      if (!name) continue;
      if (s.facts.some((f) => f.key === name || f.roots.includes(name))) return false;
      if (lhs.type === 'identifier' && op.rhs && ctx.condVars.has(name)) return false;
      continue;
    }
    if (!callIsInert(ctx, op.name, s)) return false;
    if (s.facts.length > 0 && op.args.some((a) => a.type === 'pointer_expression' && a.text.startsWith('&'))) return false;
  }
  return true;
}

function callIsInert(ctx: FnContext, name: string, s: AbsState): boolean {
  const { index } = ctx;
  if (index.locks.has(name) || index.refs.has(name)) return false;
  // A mutation is a write-under-read only under a shared lock; linking into a structure hands owned references on.
  if (index.mutators.has(name) && (s.refs.length > 0 || s.locks.some((l) => l.mode === 'shared'))) return false;
  if (PUBLISHERS.has(name) && s.refs.length > 0) return false;
  const summary = ctx.summaries[name];
  if (!summary) return true;
  if (summary.effects.length > 0) return false;
  return s.locks.length === 0 || summary.acquires.length === 0;
}
