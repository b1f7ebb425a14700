import type { Node, Tree } from 'web-tree-sitter';
import type { TextEdit } from '../findings';
import type { SourceRange } from '../source';
import { enclosingFunction, indentAt, offsetAt, posAt, startsLine, statementAt } from './syntax';

/**
 * Edits that run `statement` (e.g. `spin_unlock(l);`) right before the exit a finding points at:
 * a `return`/`goto`/`break`, or the closing brace of a function that falls off its end. When the
 * exit is the lone body of an `if`/`else`/loop, the body is wrapped in braces so the inserted call
 * runs only on that path. Returns undefined when the range names no exit it understands.
 */
export function insertBeforeExit(tree: Tree, text: string, exitRange: SourceRange, statement: string): TextEdit[] | undefined {
  const at = offsetAt(text, exitRange.start);
  const closing = functionClosingBrace(tree, text, at);
  if (closing) return insertBeforeClosingBrace(text, closing, statement);
  const exit = statementAt(tree, at);
  if (!exit || !['return_statement', 'goto_statement', 'break_statement', 'continue_statement'].includes(exit.type)) return undefined;
  const parent = exit.parent;
  if (!parent) return undefined;
  const inList = parent.type === 'compound_statement' || parent.type === 'case_statement' || parent.type === 'labeled_statement';
  if (inList) return [insertAt(text, exit.startIndex, statement)];
  return wrapInBraces(text, exit, statement);
}

function edit(text: string, start: number, end: number, newText: string): TextEdit {
  return { range: { start: posAt(text, start), end: posAt(text, end) }, newText };
}

/** Own line: a new line above with the exit's indentation; otherwise inline before it. */
function insertAt(text: string, offset: number, statement: string): TextEdit {
  if (startsLine(text, offset)) {
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    return edit(text, lineStart, lineStart, `${indentAt(text, offset)}${statement}\n`);
  }
  return edit(text, offset, offset, `${statement} `);
}

function wrapInBraces(text: string, exit: Node, statement: string): TextEdit[] {
  const exitText = text.slice(exit.startIndex, exit.endIndex);
  if (!startsLine(text, exit.startIndex)) {
    return [edit(text, exit.startIndex, exit.endIndex, `{ ${statement} ${exitText} }`)];
  }
  // `if (x)\n    return -1;` → `if (x) {\n    unlock;\n    return -1;\n}` with the if's indentation.
  const before = exit.previousSibling;
  if (!before) return [edit(text, exit.startIndex, exit.endIndex, `{ ${statement} ${exitText} }`)];
  const indent = indentAt(text, exit.startIndex);
  const outer = indentAt(text, before.startIndex);
  const lineStart = text.lastIndexOf('\n', exit.startIndex - 1) + 1;
  return [
    edit(text, before.endIndex, before.endIndex, ' {'),
    edit(text, lineStart, lineStart, `${indent}${statement}\n`),
    edit(text, exit.endIndex, exit.endIndex, `\n${outer}}`),
  ];
}

/** The `}` of a function body when `offset` sits on it (a fall-through exit). */
function functionClosingBrace(tree: Tree, text: string, offset: number): number | undefined {
  if (text[offset] !== '}') return undefined;
  const node = tree.rootNode.descendantForIndex(offset, offset + 1);
  const body = node?.type === '}' ? node.parent : node;
  if (body?.type !== 'compound_statement' || body.parent?.type !== 'function_definition') return undefined;
  return body.endIndex - 1 === offset && enclosingFunction(body) ? offset : undefined;
}

function insertBeforeClosingBrace(text: string, brace: number, statement: string): TextEdit[] {
  if (!startsLine(text, brace)) return [edit(text, brace, brace, `${statement} `)];
  const lineStart = text.lastIndexOf('\n', brace - 1) + 1;
  const indent = bodyIndent(text, lineStart, indentAt(text, brace));
  return [edit(text, lineStart, lineStart, `${indent}${statement}\n`)];
}

/** Indentation of the last non-blank line above `lineStart`, or the brace's plus four spaces. */
function bodyIndent(text: string, lineStart: number, braceIndent: string): string {
  let end = lineStart - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    if (line.trim() !== '' && line.trim() !== '{') {
      const ind = /^[ \t]*/.exec(line)![0];
      return ind.length > braceIndent.length ? ind : `${braceIndent}    `;
    }
    if (line.trim() === '{') break;
    end = start - 1;
  }
  return `${braceIndent}    `;
}
