import type { Finding } from '../findings';
import type { PatchReview, PatchReviewItem, ReviewedFinding } from './reviewTypes';

/**
 * Human text for `lockstep patch`: per patch its subject, then each finding in gcc style with the
 * patch's own line quoted under it, failed hunks with their reason, and notes. Lines are 1-based.
 */

const PREFIX: Record<NonNullable<ReviewedFinding['patchLineKind']>, string> = { added: '+', removed: '-', context: ' ' };
const WORD: Record<ReviewedFinding['status'], string> = { introduced: 'introduced', fixed: 'fixed (lines before the patch)', 'still-present': 'still present' };

function gcc(f: Finding): string {
  return `${f.uri}:${f.range.start.line + 1}:${f.range.start.column + 1}: ${f.severity}: ${f.message} [${f.ruleId}]`;
}

function findingLines(item: PatchReviewItem, r: ReviewedFinding, source: string): string[] {
  const out = [`  ${WORD[r.status]}: ${gcc(r.finding)}`];
  if (r.status === 'introduced' && item.patch.mail) out.push(`      in ${item.label}`);
  if (r.patchLine !== undefined && r.patchLineText !== undefined && r.patchLineKind !== undefined) {
    out.push(`      ${source}:${r.patchLine + 1}: ${PREFIX[r.patchLineKind]}${r.patchLineText}`);
  } else {
    out.push(`      (outside the patch's hunks, in ${r.status === 'fixed' ? 'the pre-image' : 'the post-image'} of ${r.finding.uri})`);
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatReviewText(review: PatchReview, source: string): string {
  const out: string[] = [];
  for (const item of review.patches) {
    const from = item.patch.mail?.from ? `  (${item.patch.mail.from})` : '';
    out.push(`${item.label}${from}`);
    for (const f of item.files) {
      const applied = f.hunks.filter((h) => h.applied).length;
      const what = f.skipped
        ? `skipped: ${f.skipped}`
        : `${f.file.status}${f.file.status === 'renamed' || f.file.status === 'copied' ? ` from ${f.file.oldPath}` : ''}, ${applied}/${f.hunks.length} hunks applied${f.reconstructed ? ' (reconstructed from the hunks)' : ''}`;
      out.push(`  ${f.path}: ${what}`);
      for (const h of f.hunks) {
        if (!h.applied) out.push(`  hunk #${h.index + 1} ${h.hunk.header} (${source}:${h.hunk.headerDocLine + 1}) does not apply: ${h.reason ?? 'no match'}`);
      }
    }
    for (const r of [...item.introduced, ...item.fixed, ...item.stillPresent]) out.push(...findingLines(item, r, source));
    for (const n of item.notes) out.push(`  note: ${n}`);
    if (item.introduced.length + item.fixed.length + item.stillPresent.length === 0) out.push('  no lock or refcount findings change');
  }
  const t = review.totals;
  const failed = t.failedHunks ? `; ${plural(t.failedHunks, 'hunk')} did not apply` : '';
  out.push(`${plural(t.patches, 'patch').replace('patchs', 'patches')} against ${review.baseDescription}: ${t.introduced} introduced, ${t.fixed} fixed, ${t.stillPresent} still present on touched lines${failed}`);
  return `${out.join('\n')}\n`;
}
