import type { Node, Tree } from 'web-tree-sitter';
import type { ApiKnowledge, RefApi } from '../apis/types';
import type { Finding, Fix, TextEdit } from '../findings';
import type { SourceRange } from '../source';
import { callsNamed, declaredTypeOf } from './declarations';
import { callsIn, callSite, enclosingFunction, indentAt, indentUnit, offsetAt, posAt, statementAt } from './syntax';

/**
 * Quick fixes for `use-after-unlock` (`p` reached under a lock, used after the unlock):
 *  1. "Take a reference before the unlock" — only when the API knowledge has a `get` the file already
 *     applies to an object of the same declared type as `p` (`InterlockedIncrement(&f->refCount)` on
 *     another `POVS_FLOW`): that call, on `p`, goes before the unlock (under `if (p)` when the function
 *     tests `p` for NULL). Never for an RCU read-side section: there the count may already be zero and
 *     only a try form is safe, which is not a one-line edit. The put that must follow is the ref-leak
 *     finding's own quick fix.
 *  2. "Move the unlock after the last use" — when the unlock and the statement holding the last use are
 *     in the same block and nothing moved under the lock can leave the block (return, goto, break,
 *     continue, a label) or touches a lock (an acquire or release of the API knowledge).
 * Both are plain text edits; nothing is offered when the finding's locations cannot be read back.
 */
export function unlockUseFixes(tree: Tree, text: string, finding: Finding, knowledge: ApiKnowledge): Fix[] {
  if (finding.ruleId !== 'use-after-unlock') return [];
  const ptr = /^`([A-Za-z_]\w*)`/.exec(finding.message)?.[1];
  const endAt = finding.related.find((r) => (!r.uri || r.uri === finding.uri) && / ends here/.test(r.message));
  if (!ptr || !endAt) return [];
  const lockNames = new Set(knowledge.locks.map((l) => l.name));
  const unlockCall = callsIn(tree, text, endAt.range).find((c) => lockNames.has(c.name));
  const unlock = unlockCall ? statementAt(tree, unlockCall.node.startIndex) : undefined;
  if (!unlockCall || unlock?.type !== 'expression_statement') return [];
  const fn = enclosingFunction(unlock);
  if (!fn) return [];
  const fixes: Fix[] = [];
  const api = knowledge.locks.find((l) => l.name === unlockCall.name);
  const rcu = api !== undefined && /rcu/i.test(api.family);
  const ref = rcu ? undefined : takeRefFix(tree, text, fn, unlock, ptr, knowledge);
  if (ref) fixes.push(ref);
  const move = moveUnlockFix(text, finding, unlock, ptr, knowledge);
  if (move) fixes.push({ ...move, isPreferred: fixes.length === 0 });
  return fixes;
}

/** The object a get call names (`&f->refCount` → `f` for a field API, `f` for a self API), if a plain variable. */
function objectOf(api: RefApi, args: string[]): string | undefined {
  const arg = args[api.objArg ?? 0]?.trim();
  if (arg === undefined) return undefined;
  const m = api.objFrom === 'field' ? /^&\s*([A-Za-z_]\w*)\s*(?:->|\.)\s*\w+$/.exec(arg) : /^([A-Za-z_]\w*)$/.exec(arg);
  return m?.[1];
}

function takeRefFix(tree: Tree, text: string, fn: Node, unlock: Node, ptr: string, knowledge: ApiKnowledge): Fix | undefined {
  const type = declaredTypeOf(fn, ptr);
  if (!type) return undefined;
  const gets = knowledge.refs.filter((r) => r.kind === 'get' && r.objExpr === undefined && r.implicitObj === undefined && r.when === undefined);
  const byName = new Map(gets.map((g) => [g.name, g]));
  // This function already takes one on `ptr` (too late): moving that call is the fix, not adding another.
  let call: string | undefined;
  for (const node of callsNamed(tree, new Set(byName.keys()))) {
    const site = callSite(node, text);
    const api = site && byName.get(site.name);
    const obj = site && api ? objectOf(api, site.args) : undefined;
    const owner = enclosingFunction(node);
    if (!site || !api || !obj || !owner) continue;
    if (owner.startIndex === fn.startIndex && obj === ptr) return undefined;
    if (call !== undefined || declaredTypeOf(owner, obj) !== type) continue;
    const i = api.objArg ?? 0;
    if (site.args.some((a, j) => j !== i && new RegExp(`\\b${obj}\\b`).test(a))) continue;
    const args = site.args.map((a, j) => (j === i ? a.trim().replace(new RegExp(`^(&\\s*)?${obj}\\b`), `$1${ptr}`) : a));
    call = `${site.name}(${args.join(', ')})`;
  }
  if (call === undefined) return undefined;
  const at = unlock.startIndex;
  const indent = indentAt(text, at);
  const fnText = text.slice(fn.startIndex, fn.endIndex);
  // A lookup may find nothing: when the function tests the pointer, so does the inserted reference.
  const tested = new RegExp(`\\bif\\s*\\(\\s*!?\\s*${ptr}\\s*(?:[!=]=\\s*NULL\\s*)?\\)|\\b${ptr}\\s*[!=]=\\s*NULL|\\bNULL\\s*[!=]=\\s*${ptr}\\b`).test(fnText);
  const inserted = tested ? `if (${ptr})\n${indent}${indentUnit(fnText)}${call};\n${indent}` : `${call};\n${indent}`;
  const pos = posAt(text, at);
  return {
    title: `Take a reference on ${ptr} before the unlock: \`${call}\` (then put it after the last use)`,
    edits: [{ range: { start: pos, end: pos }, newText: inserted }],
    isPreferred: true,
  };
}

const LEAVES = new Set(['return_statement', 'goto_statement', 'break_statement', 'continue_statement', 'labeled_statement']);

function moveUnlockFix(text: string, finding: Finding, unlock: Node, ptr: string, knowledge: ApiKnowledge): Fix | undefined {
  const block = unlock.parent;
  if (block?.type !== 'compound_statement') return undefined;
  const uses: SourceRange[] = [finding.range, ...finding.related.filter((r) => (!r.uri || r.uri === finding.uri) && /^also used here/.test(r.message)).map((r) => r.range)];
  const siblings = block.namedChildren;
  const index = siblings.findIndex((s) => s.startIndex === unlock.startIndex);
  // The statement of this block that holds each use: all must come after the unlock, in this block.
  let last = index;
  for (const u of uses) {
    const offset = offsetAt(text, u.start);
    const holder = siblings.findIndex((s) => s.startIndex <= offset && offset < s.endIndex);
    if (holder <= index) return undefined;
    last = Math.max(last, holder);
  }
  // A later statement of the block that still names the pointer is a use too (the finding lists a few).
  siblings.forEach((s, i) => {
    if (i > last && hasAny(s, (n) => n.type === 'identifier' && n.text === ptr)) last = i;
  });
  const moved = siblings.slice(index + 1, last + 1);
  const lockNames = new Set(knowledge.locks.map((l) => l.name));
  for (const s of moved) {
    if (LEAVES.has(s.type) || hasAny(s, (n) => LEAVES.has(n.type)
      || (n.type === 'call_expression' && lockNames.has(n.childForFieldName('function')?.text ?? '')))) return undefined;
  }
  const end = moved.at(-1)!;
  const unlockLineStart = text.lastIndexOf('\n', unlock.startIndex - 1) + 1;
  const unlockLineEnd = text.indexOf('\n', unlock.endIndex);
  // Only a statement alone on its line is moved (a comment or code beside it would be cut).
  if (unlockLineEnd < 0 || text.slice(unlockLineStart, unlockLineEnd).trim() !== unlock.text.trim()) return undefined;
  // After the last moved statement's line when only a comment follows it there (`x++; /* note */`).
  const eol = text.indexOf('\n', end.endIndex);
  const rest = text.slice(end.endIndex, eol < 0 ? text.length : eol).trim();
  const insertAt = eol >= 0 && (rest === '' || (rest.startsWith('/*') && rest.endsWith('*/')) || rest.startsWith('//')) ? eol : end.endIndex;
  const edits: TextEdit[] = [
    { range: { start: posAt(text, unlockLineStart), end: posAt(text, unlockLineEnd + 1) }, newText: '' },
    { range: { start: posAt(text, insertAt), end: posAt(text, insertAt) }, newText: `\n${indentAt(text, unlock.startIndex)}${unlock.text}` },
  ];
  const line = posAt(text, end.endIndex).line + 1;
  return { title: `Move the unlock down to after line ${line}, past the last use of ${ptr}`, edits, isPreferred: false };
}

function hasAny(root: Node, pred: (n: Node) => boolean): boolean {
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (pred(n)) return true;
    for (const c of n.namedChildren) stack.push(c);
  }
  return false;
}
