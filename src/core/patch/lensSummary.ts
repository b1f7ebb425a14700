import type { PatchReviewItem, ReviewedFinding } from './reviewTypes';

/**
 * One-line summary of a patch's review, for a CodeLens on its header or a status line:
 * "introduces 1 lock-leak · fixes 1 ref-leak", with failed hunks and reconstructed files added.
 */
function byRule(list: ReviewedFinding[]): string {
  const counts = new Map<string, number>();
  for (const r of list) counts.set(r.finding.ruleId, (counts.get(r.finding.ruleId) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([rule, n]) => `${n} ${rule}`).join(', ');
}

export function patchSummary(item: PatchReviewItem): string {
  const parts: string[] = [];
  if (item.introduced.length) parts.push(`introduces ${byRule(item.introduced)}`);
  if (item.fixed.length) parts.push(`fixes ${byRule(item.fixed)}`);
  if (item.stillPresent.length) parts.push(`leaves ${byRule(item.stillPresent)} on touched lines`);
  const failed = item.files.reduce((n, f) => n + f.hunks.filter((h) => !h.applied).length, 0);
  if (failed) parts.push(`${failed} hunk${failed === 1 ? '' : 's'} did not apply`);
  const rebuilt = item.files.filter((f) => f.reconstructed).length;
  if (rebuilt) parts.push(`${rebuilt} file${rebuilt === 1 ? '' : 's'} not in the base`);
  return parts.length ? parts.join(' · ') : 'no lock or refcount findings change';
}
