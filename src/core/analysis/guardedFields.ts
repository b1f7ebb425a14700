import type { SyntaxNode as Node } from '../c/syntax';
import { rangeOf } from '../source';
import { lockIdentity, squash } from './exprs';
import { findLock } from './state';
import { heldAlike, type Branch, type FnContext } from './transfer';

/**
 * Fields a struct declares guarded (`struct hmap poll_list OVS_GUARDED;`,
 * `int n OVS_GUARDED_BY(mutex)`, `_Guarded_by_(lock) ULONG count;`): reading one needs its lock
 * held, writing one needs it held for writing. The lock is the same object's member
 * (`pmd->poll_list` needs `pmd->port_mutex`, not `dp->port_mutex`) or a global. Taking a guarded
 * field's address for another function is not an access (clang's analysis agrees), except for the
 * container of a `*_FOR_EACH` walk.
 */

/** Whether an op on `node` (a `->` field expression) may concern a guarded field: the explorer's cheap test. */
export function mayTouchGuarded(ctx: FnContext, node: Node): boolean {
  if (ctx.guardedFields.size === 0 || node.type !== 'field_expression') return false;
  const field = node.childForFieldName('field')?.text;
  return field !== undefined && ctx.guardedFields.has(field);
}

/** `base->field` read or written with this path's locks: an event when its guard is not held (well enough). */
export function checkGuarded(ctx: FnContext, nodeId: number, b: Branch, node: Node, walk = false): void {
  if (!mayTouchGuarded(ctx, node)) return;
  const parent = node.parent;
  if (!walk && parent?.type === 'pointer_expression' && parent.text.trimStart().startsWith('&')) return;
  const base = node.childForFieldName('argument');
  const field = node.childForFieldName('field')?.text;
  if (!base || !field) return;
  const cls = ctx.classOf(`${squash(base.text)}->${field}`);
  const sep = cls.indexOf('::');
  if (sep < 0) return;
  const guard = ctx.summaries.struct(cls.slice(0, sep))?.guardedBy?.[field];
  if (!guard) return;
  const member = ctx.summaries.struct(cls.slice(0, sep))?.fields[guard] !== undefined;
  const lockText = member ? `${squash(base.text)}->${guard}` : guard;
  const id = ctx.qualify(lockIdentity(`&${lockText}`, false));
  const write = isWrite(node);
  const held = findLock(b.s, id) ?? findLock(b.s, `*${id}`) ?? heldAlike(ctx, b.s, id);
  if (held && (!write || held.mode === 'exclusive')) return;
  ctx.sink.add(nodeId, `${field}@${id}`, {
    kind: 'unlocked-field', field: squash(node.text), lock: lockText, write, heldShared: held !== undefined,
    range: rangeOf(node), trail: b.s.trail,
  });
}

function isWrite(n: Node): boolean {
  const p = n.parent;
  if (!p) return false;
  if (p.type === 'assignment_expression') return p.childForFieldName('left') === n || p.childForFieldName('left')?.startIndex === n.startIndex;
  return p.type === 'update_expression';
}
