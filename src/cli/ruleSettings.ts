import type { RuleSetting } from '../core/apis/config';
import type { Finding, RuleId } from '../core/findings';

/** `lockstep.json` `rules`: `off` drops a rule's findings, a severity replaces the rule's own. */
export function applyRuleSettings(findings: readonly Finding[], rules: Partial<Record<RuleId, RuleSetting>> | undefined): Finding[] {
  if (!rules || Object.keys(rules).length === 0) return [...findings];
  const out: Finding[] = [];
  for (const f of findings) {
    const s = rules[f.ruleId];
    if (s === 'off') continue;
    out.push(s === undefined || s === f.severity ? f : { ...f, severity: s });
  }
  return out;
}
