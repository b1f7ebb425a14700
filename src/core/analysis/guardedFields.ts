import type { SyntaxNode as Node } from '../c/syntax';
import { rangeOf } from '../source';
import { lockIdentity, squash } from './exprs';
import { heldNamed } from './heldAlike';
import type { Branch, FnContext } from './fnContext';

/**
 * Fields a struct declares guarded (`int n OVS_GUARDED_BY(mutex)`, `_Guarded_by_(lock) ULONG count;`):
 * reading one needs its lock held, writing one needs it held for writing. The lock is the same
 * object's member (`pmd->n` needs `pmd->mutex`) or a global. A bare `OVS_GUARDED` is clang's
 * guarded_var, "some lock held": any lock will do except one named like the nearest lock member
 * above the field but belonging to another kind of object (`dp->port_mutex` held while walking
 * `pmd->poll_list`, whose own lock is `pmd->port_mutex`). Taking a guarded
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
  const declared = ctx.summaries.struct(cls.slice(0, sep))?.guardedBy?.[field];
  if (!declared) return;
  // `~m`: a bare OVS_GUARDED, which clang reads as "some lock held". Any lock satisfies it except
  // one named like the field's own lock on another object (`dp->port_mutex` for `pmd->poll_list`).
  const anyLock = declared.startsWith('~');
  const guard = anyLock ? declared.slice(1) : declared;
  const member = ctx.summaries.struct(cls.slice(0, sep))?.fields[guard] !== undefined;
  const lockText = member ? `${squash(base.text)}->${guard}` : guard;
  const id = ctx.qualify(lockIdentity(`&${lockText}`, false));
  const write = isWrite(node);
  const held = heldNamed(ctx, b.s, id);
  if (held && (!write || held.mode === 'exclusive')) return;
  // Another object's lock of the same name counts when it is the same kind of object (two rules);
  // the same name in another struct (`dp->port_mutex` for a thread's list) is the mistake to catch.
  const named = new RegExp(`(^|->|\\.)${guard}(@|$)`);
  if (anyLock && b.s.locks.some((l) => !named.test(l.id) || ctx.classOf(l.id) === ctx.classOf(id))) return;
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
