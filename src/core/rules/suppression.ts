import type { Tree } from 'web-tree-sitter';
import type { Finding } from '../findings';
import { rangeOf, type SourceRange } from '../source';
import { RULES } from './registry';

/**
 * `/* lockstep-ignore <rule-id>[, <rule-id>]: <reason> *\/` (or `//`) on a finding's line or the
 * line above silences it. A suppression without a reason is reported as a note, and still works.
 */
export interface Suppression {
  line: number;
  rules: string[];
  reason: string;
  range: SourceRange;
}

const PATTERN = /lockstep-ignore\s+([a-z][a-z-]*(?:\s*,\s*[a-z][a-z-]*)*)(?:\s*:\s*([\s\S]*?))?\s*(?:\*\/)?\s*$/;
const LENIENT = /lockstep-ignore\s+([a-z][a-z-]*(?:\s*,\s*[a-z][a-z-]*)*)/;

export function findSuppressions(tree: Tree): Suppression[] {
  const out: Suppression[] = [];
  for (const c of tree.rootNode.descendantsOfType('comment')) {
    if (!c || !c.text.includes('lockstep-ignore')) continue;
    const m = PATTERN.exec(c.text) ?? LENIENT.exec(c.text);
    if (!m) continue;
    const reason = (m[2] ?? '').trim();
    const range = rangeOf(c);
    out.push({ line: range.end.line, rules: m[1]!.split(',').map((r) => r.trim()), reason: /^<.*>$/.test(reason) ? '' : reason, range });
  }
  return out;
}

/** Removes suppressed findings and adds a note for each suppression that gives no reason. */
export function applySuppressions(findings: Finding[], sups: Suppression[], uri: string, functionAt: (line: number) => string): Finding[] {
  if (sups.length === 0) return findings;
  const kept = findings.filter((f) => !sups.some((s) => s.rules.includes(f.ruleId) && (s.line === f.range.start.line || s.line === f.range.start.line - 1 || s.range.start.line === f.range.start.line)));
  for (const s of sups) {
    if (s.reason) continue;
    kept.push({
      ruleId: 'suppression-without-reason',
      severity: RULES['suppression-without-reason'].defaultSeverity,
      message: `this lockstep-ignore for ${s.rules.join(', ')} gives no reason: write one after a colon ("lockstep-ignore ${s.rules[0]}: why this is safe")`,
      uri,
      range: s.range,
      functionName: functionAt(s.range.start.line),
      related: [],
      path: [],
      key: `suppression-without-reason:${functionAt(s.range.start.line)}:${s.rules.join(',')}@${s.range.start.line}`,
    });
  }
  return kept;
}
