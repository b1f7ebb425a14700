import type { RuleSetting } from '../core/apis/config';
import type { Finding, RuleId } from '../core/findings';
import type { PatchReview, ReviewedFinding } from '../core/patch/reviewTypes';

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

/** A patch review with `rules` applied to every list, totals recounted. */
export function reviewWithRuleSettings(review: PatchReview, rules: Partial<Record<RuleId, RuleSetting>> | undefined): PatchReview {
  if (!rules || Object.keys(rules).length === 0) return review;
  const adjust = (list: ReviewedFinding[]): ReviewedFinding[] => list.flatMap((r) => {
    const [f] = applyRuleSettings([r.finding], rules);
    return f ? [f === r.finding ? r : { ...r, finding: f }] : [];
  });
  const patches = review.patches.map((p) => ({ ...p, introduced: adjust(p.introduced), fixed: adjust(p.fixed), stillPresent: adjust(p.stillPresent) }));
  const all = (k: 'introduced' | 'fixed' | 'stillPresent'): number => patches.reduce((n, p) => n + p[k].length, 0);
  return { ...review, patches, totals: { ...review.totals, introduced: all('introduced'), fixed: all('fixed'), stillPresent: all('stillPresent') } };
}
