import type { Node, Tree } from 'web-tree-sitter';
import type { Fix } from '../findings';
import type { SourceRange } from '../source';
import { offsetAt, posAt, statementAt } from './syntax';

const squash = (s: string): string => s.replace(/\s+/g, '');

/**
 * For a leaking `goto out;`: when the cleanup ladder has a label that runs the missing release and
 * then falls into `out` (`out_unlock: spin_unlock(l); out: return err;`), retarget the goto to that
 * label — the kernel's idiom, and the fix a reviewer expects. Undefined when there is no such label.
 */
export function gotoRetarget(tree: Tree, text: string, exitRange: SourceRange, releaseCall: string): Fix | undefined {
  const exit = statementAt(tree, offsetAt(text, exitRange.start));
  if (exit?.type !== 'goto_statement') return undefined;
  const target = exit.childForFieldName('label');
  if (!target) return undefined;
  let body: Node | null = exit.parent;
  while (body && !(body.type === 'compound_statement' && body.parent?.type === 'function_definition')) body = body.parent;
  if (!body) return undefined;
  const want = squash(releaseCall);
  const stmts = body.namedChildren.filter((c): c is Node => c !== null);
  for (const [i, s] of stmts.entries()) {
    if (s.type !== 'labeled_statement') continue;
    const label = s.childForFieldName('label');
    const first = s.namedChildren.find((c) => c !== null && c.type !== 'statement_identifier' && c !== label);
    if (!label || !first || squash(first.text) !== want) continue;
    // The statement after the release must be the goto's own label: nothing else runs in between.
    const next = stmts[i + 1];
    if (next?.type !== 'labeled_statement' || next.childForFieldName('label')?.text !== target.text) continue;
    return {
      title: `Jump to \`${label.text}\` (runs \`${releaseCall}\`) instead of \`${target.text}\``,
      edits: [{ range: { start: posAt(text, target.startIndex), end: posAt(text, target.endIndex) }, newText: label.text }],
      isPreferred: true,
    };
  }
  return undefined;
}
