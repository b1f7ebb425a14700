import type { Tree } from 'web-tree-sitter';
import type { ApiKnowledge } from '../apis/types';
import type { Finding, Fix } from '../findings';
import type { SourceRange } from '../source';
import { insertBeforeExit } from './insertBeforeExit';
import { putCallFor, releaseCallFor } from './matchingCalls';
import { callsIn, enclosingFunction, offsetAt, type CallSite } from './syntax';

/**
 * Quick fixes for leaks, built from the finding's locations and the API knowledge:
 * lock-leak → insert the matching release before the leaking exit;
 * ref-leak → insert the matching put before the leaking exit.
 * Pure (no editor): the extension turns the returned edits into an undoable WorkspaceEdit.
 */
export function leakFix(tree: Tree, text: string, finding: Finding, knowledge: ApiKnowledge): Fix | undefined {
  if (finding.ruleId !== 'lock-leak' && finding.ruleId !== 'ref-leak') return undefined;
  const isLock = finding.ruleId === 'lock-leak';
  const names = new Set(isLock
    ? knowledge.locks.filter((a) => a.kind !== 'release').map((a) => a.name)
    : knowledge.refs.filter((r) => ['get', 'tryget', 'returnsRef', 'alloc'].includes(r.kind)).map((r) => r.name));
  const site = takeSite(tree, text, finding, names);
  if (!site) return undefined;
  const call = isLock ? releaseCallFor(knowledge, site) : putCallFor(knowledge, site);
  if (!call) return undefined;
  for (const exit of exitCandidates(finding)) {
    const edits = insertBeforeExit(tree, text, exit, call);
    if (edits) {
      const line = exit.start.line + 1;
      return { title: `Insert \`${call}\` before the exit on line ${line}`, edits, isPreferred: true };
    }
  }
  return undefined;
}

/** Adds the leak fix to findings the engine gave none (the engine's own fixes win). */
export function withLeakFixes(findings: Finding[], tree: Tree, text: string, knowledge: ApiKnowledge): Finding[] {
  return findings.map((f) => {
    if (f.fixes?.length || (f.ruleId !== 'lock-leak' && f.ruleId !== 'ref-leak')) return f;
    const fix = leakFix(tree, text, f, knowledge);
    return fix ? { ...f, fixes: [fix] } : f;
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
