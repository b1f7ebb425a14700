import type { SyntaxNode as Node } from './syntax';

/**
 * Iterator macros used as loop headers (`HMAP_FOR_EACH (flow, node, &dp->flows) { ... }`,
 * `list_for_each_entry_safe(pos, n, head, member) { ... }`, `LIST_FORALL(&list, link) { ... }`).
 * The CFG treats them as loops; the head assigns the loop variables afresh on every iteration, so
 * an object released in one iteration is not "used" when the next one names the variable again.
 */

/**
 * A call statement with no `;` followed by a block, named like an iterator — or by one statement,
 * the loop's unbraced body (`hlist_for_each_entry_safe(m, n, head, node) kfree(m);`).
 */
export function isIteratorMacro(stmt: Node, next: Node): boolean {
  if (stmt.type !== 'expression_statement' || !next.type.endsWith('_statement')) return false;
  const call = stmt.namedChildren[0];
  if (!call || call.type !== 'call_expression') return false;
  if (stmt.text.trimEnd().endsWith(';')) return false;
  return ITERATOR_NAME.test(call.childForFieldName('function')?.text ?? '');
}

const ITERATOR_NAME = /for_?(each|all)|foreach/i;

/**
 * Which arguments the macro assigns (0-based). Known families by name; otherwise the common shape:
 * the first argument is the cursor, and a `_safe` form with four or more arguments also assigns the
 * second (the saved next element: Linux `list_for_each_entry_safe(pos, n, head, member)`, OVS's
 * long `HMAP_FOR_EACH_SAFE (NODE, NEXT, MEMBER, HMAP)`).
 */
export function iteratorLoopVariables(name: string, argCount: number): number[] {
  const known = KNOWN.find((k) => k.pattern.test(name));
  const vars = known ? known.vars : /safe/i.test(name) && argCount >= 4 ? [0, 1] : [0];
  return vars.filter((i) => i < argCount);
}

const KNOWN: { pattern: RegExp; vars: number[] }[] = [
  // OVS Windows: LIST_FORALL(head, link), LIST_FORALL_SAFE(head, link, next).
  { pattern: /^LIST_FORALL_SAFE$/, vars: [1, 2] },
  { pattern: /^LIST_FORALL$/, vars: [1] },
  // Linux hashtable.h: hash_for_each(name, bkt, obj, member), hash_for_each_safe(name, bkt, tmp, obj, member),
  // hash_for_each_possible(name, obj, member, key).
  { pattern: /^hash_for_each(_rcu)?$/, vars: [1, 2] },
  { pattern: /^hash_for_each_safe$/, vars: [1, 2, 3] },
  { pattern: /^hash_for_each_possible(_rcu|_safe)?$/, vars: [1] },
  // Linux xarray/idr: xa_for_each(xa, index, entry), idr_for_each_entry(idr, entry, id).
  { pattern: /^xa_for_each(_start|_range|_marked)?$/, vars: [1, 2] },
  { pattern: /^idr_for_each_entry(_continue)?$/, vars: [1, 2] },
];

/**
 * Whether advancing reads the current element: `_SAFE` forms saved the next one, `_POP` forms
 * removed the current one first, and cursor-based walks (`CMAP_FOR_EACH`) step from the cursor.
 */
export function iteratorReadsCursor(name: string): boolean {
  return !/safe|pop/i.test(name) && !/^CMAP_/.test(name);
}
