import type { SyntaxNode as Node } from '../c/syntax';

/**
 * The effects of one CFG node's AST, in C evaluation order (operands before the operation):
 * calls, assignments, and uses of objects through `->` / `*` (for use-after-release).
 */
export type Op =
  | { op: 'call'; node: Node; name: string; args: Node[] }
  | { op: 'assign'; node: Node; lhs: Node; rhs: Node | null }
  | { op: 'use'; node: Node; base: Node };

const MAX_OPS = 2000;

/** Callee name of a call expression: identifiers only (`ops->lock(x)` is an indirect call: no name). */
export function calleeName(call: Node): string | null {
  const fn = call.childForFieldName('function');
  if (!fn) return null;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'parenthesized_expression' && fn.namedChildren[0]?.type === 'identifier') return fn.namedChildren[0].text;
  return null;
}

export function callArgs(call: Node): Node[] {
  const list = call.childForFieldName('arguments');
  if (!list) return [];
  return list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/**
 * Extracts ops iteratively (deeply nested expressions must not overflow the stack). Children are
 * visited before their parent; for assignments the right side before the left.
 */
export function extractOps(root: Node): Op[] {
  const ops: Op[] = [];
  // Two parallel stacks of node and "expanded?"; expanded nodes emit their own op on the second visit.
  // Shared scratch with its own top (extraction never re-enters itself): no array is made or shrunk.
  const nodes = scratchNodes;
  const expandedFlags = scratchFlags;
  let top = 0;
  let high = 0;
  nodes[top] = root;
  expandedFlags[top++] = false;
  while (top > 0 && ops.length < MAX_OPS) {
    if (top > high) high = top;
    const n = nodes[--top]!;
    if (expandedFlags[top]) {
      if (EMITTING.has(n.type)) emit(n, ops);
      continue;
    }
    // Nested function-like bodies (GNU statement expressions) are left opaque: rare in datapaths.
    if (n.type === 'compound_statement' && n.id !== root.id) continue;
    const kids = childrenInOrder(n);
    if (kids.length === 0 && !EMITTING.has(n.type)) continue;
    nodes[top] = n;
    expandedFlags[top++] = true;
    for (let i = kids.length - 1; i >= 0; i--) {
      nodes[top] = kids[i]!;
      expandedFlags[top++] = false;
    }
  }
  // Drop the references to this function's nodes (the scratch keeps only its capacity).
  nodes.fill(undefined, 0, Math.max(high, top) + 1);
  return ops;
}

const scratchNodes: (Node | undefined)[] = [];
const scratchFlags: boolean[] = [];

/**
 * The head of an iterator-macro loop: the arguments it reads are evaluated (uses, calls inside
 * them), then the macro is a call with those arguments only, then each loop variable is assigned
 * afresh (`HMAP_FOR_EACH_SAFE (flow, next, node, &dp->flows)` reads `dp`, writes `flow`, `next`).
 */
export function iteratorHeadOps(call: Node, loopVariables: readonly number[]): Op[] {
  const args = callArgs(call);
  const names = new Set(loopVariables.map((i) => args[i]?.text));
  // A member name equal to the cursor's name (`LIST_FOR_EACH_SAFE (node, node, list)`) is not a read of it.
  const read = args.filter((a, i) => !loopVariables.includes(i) && !(a.type === 'identifier' && names.has(a.text)));
  const ops: Op[] = read.flatMap((a) => extractOps(a));
  const name = calleeName(call) ?? '';
  ops.push({ op: 'call', node: call, name, args: read });
  for (const i of loopVariables) {
    const v = args[i];
    if (v) ops.push({ op: 'assign', node: v, lhs: v, rhs: null });
  }
  return ops;
}

/** Node types `emit` turns into ops. */
const EMITTING = new Set(['call_expression', 'assignment_expression', 'update_expression', 'init_declarator', 'field_expression', 'pointer_expression']);

function childrenInOrder(n: Node): readonly Node[] {
  // The plain-JS copy never holds null children (web-tree-sitter's Node may).
  const kids = n.namedChildren;
  if (n.type === 'assignment_expression') {
    const lhs = n.childForFieldName('left');
    const rhs = n.childForFieldName('right');
    // Evaluate the right side first; the left side's subexpressions are uses.
    const operands = lhsOperands(lhs);
    return rhs ? (operands.length === 0 ? [rhs] : [rhs, ...operands]) : operands;
  }
  if (n.type === 'init_declarator') {
    const value = n.childForFieldName('value');
    return value ? [value] : [];
  }
  if (n.type === 'call_expression') {
    const args = n.childForFieldName('arguments');
    const fn = n.childForFieldName('function');
    const fnKids = fn && fn.type !== 'identifier' ? [fn] : [];
    return fnKids.length === 0 ? (args ? args.namedChildren : []) : [...fnKids, ...(args ? args.namedChildren : [])];
  }
  if (n.type === 'sizeof_expression' || n.type === 'alignof_expression' || n.type === 'offsetof_expression') return [];
  if (n.type === 'string_literal' || n.type === 'number_literal' || n.type === 'char_literal') return [];
  return kids;
}

/** For `a->b = x`, the operands read to compute the address (`a`), not the written field itself. */
function lhsOperands(lhs: Node | null): readonly Node[] {
  if (!lhs) return [];
  if (lhs.type === 'field_expression') {
    const arg = lhs.childForFieldName('argument');
    return arg ? [arg] : [];
  }
  if (lhs.type === 'subscript_expression') return lhs.namedChildren;
  if (lhs.type === 'pointer_expression') {
    const arg = lhs.childForFieldName('argument');
    return arg ? [arg] : [];
  }
  return [];
}

function emit(n: Node, ops: Op[]): void {
  switch (n.type) {
    case 'call_expression': {
      const name = calleeName(n);
      ops.push({ op: 'call', node: n, name: name ?? '', args: callArgs(n) });
      return;
    }
    case 'assignment_expression': {
      const lhs = n.childForFieldName('left');
      if (lhs) ops.push({ op: 'assign', node: n, lhs, rhs: n.childForFieldName('right') });
      if (lhs && lhs.type === 'field_expression' && lhs.childForFieldName('operator')?.text === '->') {
        const base = lhs.childForFieldName('argument');
        if (base) ops.push({ op: 'use', node: lhs, base });
      }
      return;
    }
    case 'update_expression': {
      const arg = n.childForFieldName('argument');
      if (arg) ops.push({ op: 'assign', node: n, lhs: arg, rhs: null });
      return;
    }
    case 'init_declarator': {
      const decl = n.childForFieldName('declarator');
      let id = decl;
      while (id && id.type !== 'identifier') id = id.childForFieldName('declarator') ?? id.namedChildren.find((c) => c?.type === 'identifier') ?? null;
      if (id) ops.push({ op: 'assign', node: n, lhs: id, rhs: n.childForFieldName('value') });
      return;
    }
    case 'field_expression': {
      if (n.childForFieldName('operator')?.text === '->') {
        const base = n.childForFieldName('argument');
        if (base) ops.push({ op: 'use', node: n, base });
      }
      return;
    }
    case 'pointer_expression': {
      if (n.childForFieldName('operator')?.text === '*') {
        const base = n.childForFieldName('argument');
        if (base) ops.push({ op: 'use', node: n, base });
      }
      return;
    }
    default:
      return;
  }
}

/**
 * An iterator's step to the next element reads the current one: freeing the cursor in the body
 * and going round reads freed memory (`hlist_for_each_entry_rcu(p, …) kfree(p);`).
 */
export function iteratorAdvanceOps(call: Node, cursorIndex: number): Op[] {
  const cursor = callArgs(call)[cursorIndex];
  return cursor ? [{ op: 'use', node: call, base: cursor }] : [];
}
