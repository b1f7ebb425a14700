import type { Node, Tree } from 'web-tree-sitter';
import type { ApiKnowledge } from '../apis/types';
import type { Finding, Fix } from '../findings';
import { rangeOf, type SourceRange } from '../source';
import { gotoRetarget } from './gotoRetarget';
import { insertBeforeExit } from './insertBeforeExit';
import { mismatchFix } from './mismatchFix';
import { contextFix } from './contextFix';
import { rcuFreeFix } from './rcuFreeFix';
import { tryRefFix } from './tryRefFix';
import { unlockUseFixes } from './unlockUseFixes';
import { putCallFor, releaseCallFor } from './matchingCalls';
import { callsIn, enclosingFunction, offsetAt, statementAt, type CallSite } from './syntax';

/**
 * Quick fixes for leaks, built from the finding's locations and the API knowledge:
 * lock-leak → insert the matching release before the leaking exit;
 * ref-leak → insert the matching put before the leaking exit.
 * Pure (no editor): the extension turns the returned edits into an undoable WorkspaceEdit.
 */
export function leakFix(tree: Tree, text: string, finding: Finding, knowledge: ApiKnowledge): Fix | undefined {
  return leakFixes(tree, text, finding, knowledge)[0];
}

/**
 * All leak fixes, preferred first: retargeting a `goto` to the cleanup label that already releases
 * (when there is one), then inserting the release or put before the exit.
 */
export function leakFixes(tree: Tree, text: string, finding: Finding, knowledge: ApiKnowledge): Fix[] {
  const insert = insertFix(tree, text, finding, knowledge);
  if (!insert) return [];
  const retarget = gotoRetarget(tree, text, insert.exit, insert.call);
  return retarget ? [retarget, { ...insert.fix, isPreferred: false }] : [insert.fix];
}

function insertFix(tree: Tree, text: string, finding: Finding, knowledge: ApiKnowledge): { fix: Fix; call: string; exit: SourceRange } | undefined {
  if (finding.ruleId !== 'lock-leak' && finding.ruleId !== 'ref-leak') return undefined;
  const isLock = finding.ruleId === 'lock-leak';
  const names = new Set(isLock
    ? knowledge.locks.filter((a) => a.kind === 'acquire' || a.kind === 'tryacquire').map((a) => a.name)
    : knowledge.refs.filter((r) => ['get', 'tryget', 'returnsRef', 'alloc'].includes(r.kind)).map((r) => r.name));
  const site = takeSite(tree, text, finding, names);
  if (!site) return undefined;
  const call = isLock ? releaseCallFor(knowledge, site) : putCallFor(knowledge, site);
  if (!call) return undefined;
  for (const candidate of exitCandidates(finding)) {
    // An exit under a cleanup label is shared by every path that jumps there: fix the jump instead.
    const exit = viaLabel(tree, text, candidate, finding, site);
    if (exit === null) return undefined;
    const edits = insertBeforeExit(tree, text, exit, call);
    if (edits) {
      const line = exit.start.line + 1;
      return { fix: { title: `Insert \`${call}\` before the exit on line ${line}`, edits, isPreferred: true }, call, exit };
    }
  }
  return undefined;
}

/**
 * When the exit sits under labels (`out: return err;`), the leaking path arrives by a `goto` to
 * one of them: returns that goto's range — the one inside an `if` whose condition is a step of the
 * finding's path, or the only goto after the acquire. Returns the exit itself when it has no label,
 * and null when the jump cannot be told (no safe fix then).
 */
function viaLabel(tree: Tree, text: string, exit: SourceRange, finding: Finding, site: CallSite): SourceRange | null {
  const stmt = statementAt(tree, offsetAt(text, exit.start));
  const labels = new Set<string>();
  for (let p = stmt?.parent ?? null; p?.type === 'labeled_statement'; p = p.parent) {
    const l = p.childForFieldName('label');
    if (l) labels.add(l.text);
  }
  if (labels.size === 0 || !stmt) return exit;
  const fn = enclosingFunction(stmt);
  if (!fn) return null;
  const gotos: Node[] = [];
  const stack: Node[] = [fn];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'goto_statement' && labels.has(n.childForFieldName('label')?.text ?? '') && n.startIndex > site.node.endIndex) gotos.push(n);
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
  const steps = new Set(finding.path.map((p) => `${p.range.start.line}:${p.range.start.column}`));
  const onPath = gotos.filter((g) => {
    for (let p = g.parent; p && p !== fn; p = p.parent) {
      const cond = p.type === 'if_statement' ? p.childForFieldName('condition') : null;
      const inner = cond?.namedChildren.find((c) => c !== null) ?? cond;
      if (inner && (steps.has(`${inner.startPosition.row}:${inner.startPosition.column}`) || steps.has(`${cond!.startPosition.row}:${cond!.startPosition.column}`))) return true;
    }
    return false;
  });
  const chosen = onPath.length === 1 ? onPath[0] : onPath.length === 0 && gotos.length === 1 ? gotos[0] : undefined;
  return chosen ? rangeOf(chosen) : null;
}

/**
 * Adds the mechanical fixes to findings the engine gave none (the engine's own fixes win): the leak
 * fixes, for `release-mismatch` the release that matches the acquire (mismatchFix.ts), for `rcu-free`
 * the deferred free (rcuFreeFix.ts), for `use-after-unlock` a reference or a moved unlock (unlockUseFixes.ts),
 * for `try-ref-needed` the try form (tryRefFix.ts), for `context-mismatch` the variant that fits (contextFix.ts).
 */
export function withLeakFixes(findings: Finding[], tree: Tree, text: string, knowledge: ApiKnowledge): Finding[] {
  return findings.map((f) => {
    if (f.fixes?.length) return f;
    if (f.ruleId === 'release-mismatch') {
      const fix = mismatchFix(tree, text, f, knowledge);
      return fix ? { ...f, fixes: [fix] } : f;
    }
    if (f.ruleId === 'rcu-free') {
      const fix = rcuFreeFix(tree, text, f, knowledge);
      return fix ? { ...f, fixes: [fix] } : f;
    }
    if (f.ruleId === 'context-mismatch') {
      const fix = contextFix(tree, text, f, knowledge);
      return fix ? { ...f, fixes: [fix] } : f;
    }
    if (f.ruleId === 'try-ref-needed') {
      const fix = tryRefFix(tree, text, f, knowledge);
      return fix ? { ...f, fixes: [fix] } : f;
    }
    if (f.ruleId === 'use-after-unlock') {
      const fixes = unlockUseFixes(tree, text, f, knowledge);
      return fixes.length ? { ...f, fixes } : f;
    }
    if (f.ruleId !== 'lock-leak' && f.ruleId !== 'ref-leak') return f;
    const fixes = leakFixes(tree, text, f, knowledge);
    return fixes.length ? { ...f, fixes } : f;
  });
}

/** The primary range first (the engine puts the leaking exit there), then the path's end. */
function exitCandidates(finding: Finding): SourceRange[] {
  const out = [finding.range];
  const last = finding.path.at(-1);
  if (last) out.push(last.range);
  for (const r of finding.related) if (!r.uri || r.uri === finding.uri) out.push(r.range);
  return out;
}

/**
 * The acquire (or get) the finding is about: a matching call at a related location or path step,
 * preferring one whose arguments the message names; else the last such call before the exit in
 * the same function.
 */
function takeSite(tree: Tree, text: string, finding: Finding, names: Set<string>): CallSite | undefined {
  const ranges = [
    ...finding.related.filter((r) => !r.uri || r.uri === finding.uri).map((r) => r.range),
    ...finding.path.map((p) => p.range),
  ];
  const found = ranges.flatMap((r) => callsIn(tree, text, r)).filter((c) => names.has(c.name));
  const named = found.find((c) => c.args.some((a) => a.length > 0 && finding.message.includes(a)));
  if (named ?? found[0]) return named ?? found[0];
  const exitOffset = offsetAt(text, finding.range.start);
  const at = tree.rootNode.descendantForIndex(exitOffset, exitOffset);
  const fn = at ? enclosingFunction(at) : undefined;
  if (!fn) return undefined;
  const inFn = callsIn(tree, text, {
    start: { line: fn.startPosition.row, column: fn.startPosition.column },
    end: finding.range.start,
  }).filter((c) => names.has(c.name) && c.node.startIndex < exitOffset);
  return inFn.find((c) => c.args.some((a) => a.length > 0 && finding.message.includes(a))) ?? inFn.at(-1);
}
