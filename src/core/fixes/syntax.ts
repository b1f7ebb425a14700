import type { Node, Tree } from 'web-tree-sitter';
import type { SourcePos, SourceRange } from '../source';

/** A call as written: callee name, argument texts (from the original text), the node. */
export interface CallSite {
  name: string;
  args: string[];
  node: Node;
  /** `x = call(...)` / `T *x = call(...)`: the variable the result is stored in. */
  assignedTo?: string;
}

/** Offset of a 0-based line/UTF-16 column position in `text`. */
export function offsetAt(text: string, pos: SourcePos): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + pos.column);
}

export function posAt(text: string, offset: number): SourcePos {
  let line = 0;
  let start = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    start = nl + 1;
  }
  return { line, column: offset - start };
}

/** Leading whitespace of the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let end = lineStart;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(lineStart, end);
}

/** One level of indentation as a function's text writes it: a tab, or the smallest run of leading spaces. */
export function indentUnit(fnText: string): string {
  const leads = fnText.split('\n').slice(1).map((l) => /^[ \t]+(?=\S)/.exec(l)?.[0]).filter((l): l is string => l !== undefined);
  if (leads.length === 0 || leads.some((l) => l.startsWith('\t'))) return '\t';
  return ' '.repeat(Math.min(...leads.map((l) => l.length)));
}

/** True when only whitespace precedes `offset` on its line. */
export function startsLine(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*$/.test(text.slice(lineStart, offset));
}

/** Every call_expression inside `range` (or whose range contains it), in source order. Iterative walk. */
export function callsIn(tree: Tree, text: string, range: SourceRange): CallSite[] {
  const start = offsetAt(text, range.start);
  const end = Math.max(start + 1, offsetAt(text, range.end));
  const out: CallSite[] = [];
  const stack: Node[] = [tree.rootNode];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.endIndex <= start || n.startIndex >= end) continue;
    if (n.type === 'call_expression') {
      const site = callSite(n, text);
      if (site) out.push(site);
    }
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c) stack.push(c);
    }
  }
  return out.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

export function callSite(node: Node, text: string): CallSite | undefined {
  const fn = node.childForFieldName('function');
  const argList = node.childForFieldName('arguments');
  if (!fn || fn.type !== 'identifier' || !argList) return undefined;
  const args = argList.namedChildren
    .filter((a): a is Node => a !== null && a.type !== 'comment')
    .map((a) => text.slice(a.startIndex, a.endIndex));
  return { name: fn.text, args, node, assignedTo: assignedVariable(node) };
}

function assignedVariable(call: Node): string | undefined {
  let p = call.parent;
  while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) p = p.parent;
  if (p?.type === 'assignment_expression' && p.childForFieldName('operator')?.text !== '==') {
    const left = p.childForFieldName('left');
    return left?.text;
  }
  if (p?.type === 'init_declarator') {
    let d = p.childForFieldName('declarator');
    while (d && d.type !== 'identifier') d = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c?.type === 'identifier') ?? null;
    return d?.text;
  }
  return undefined;
}

/** The smallest node spanning `offset`, climbed to the nearest statement. */
export function statementAt(tree: Tree, offset: number): Node | undefined {
  let n: Node | null = tree.rootNode.descendantForIndex(offset, offset);
  while (n && !isStatement(n)) n = n.parent;
  return n ?? undefined;
}

const STATEMENTS = new Set([
  'return_statement', 'goto_statement', 'break_statement', 'continue_statement', 'expression_statement',
  'compound_statement', 'if_statement', 'while_statement', 'for_statement', 'do_statement', 'switch_statement',
  'labeled_statement', 'declaration',
]);

export function isStatement(n: Node): boolean {
  return STATEMENTS.has(n.type);
}

export function enclosingFunction(node: Node): Node | undefined {
  let n: Node | null = node;
  while (n && n.type !== 'function_definition') n = n.parent;
  return n ?? undefined;
}
