import { toJsonReport } from '../report/json';
import { jsonEnvelope } from '../report/envelope';
import type { PatchReview, ReviewedFinding } from './reviewTypes';

/**
 * JSON for `lockstep patch --format json`, in the conventions of `check --format json`: every line
 * and column is 1-based (findings, patch lines, hunk lines). Image texts are left out; the editor
 * gets them from `reviewPatch` directly.
 */

function findings(list: ReviewedFinding[]): Record<string, unknown>[] {
  const shifted = toJsonReport(list.map((r) => r.finding), 0).findings;
  return list.map((r, i) => ({
    status: r.status,
    ...(r.patchLine !== undefined ? { patchLine: r.patchLine + 1 } : {}),
    ...(r.patchLineText !== undefined ? { patchLineText: r.patchLineText } : {}),
    ...(r.patchLineKind !== undefined ? { patchLineKind: r.patchLineKind } : {}),
    finding: shifted[i],
  }));
}

export function reviewToJson(review: PatchReview, source: string): Record<string, unknown> {
  return {
    ...jsonEnvelope(),
    source,
    base: review.baseDescription,
    kind: review.document.kind,
    totals: review.totals,
    patches: review.patches.map((p) => ({
      ordinal: p.patch.ordinal,
      label: p.label,
      ...(p.patch.mail ? { mail: p.patch.mail } : {}),
      startLine: p.patch.startDocLine + 1,
      endLine: p.patch.endDocLine + 1,
      files: p.files.map((f) => ({
        path: f.path,
        status: f.file.status,
        ...(f.file.oldPath !== undefined ? { oldPath: f.file.oldPath } : {}),
        ...(f.file.newPath !== undefined ? { newPath: f.file.newPath } : {}),
        ...(f.file.similarity !== undefined ? { similarity: f.file.similarity } : {}),
        ...(f.file.oldMode !== undefined ? { oldMode: f.file.oldMode } : {}),
        ...(f.file.newMode !== undefined ? { newMode: f.file.newMode } : {}),
        binary: f.file.binary,
        headerStartLine: f.file.headerStartDocLine + 1,
        headerEndLine: f.file.headerEndDocLine + 1,
        ...(f.skipped ? { skipped: f.skipped } : {}),
        reconstructed: f.reconstructed,
        hunks: f.hunks.map((h) => ({
          header: h.hunk.header,
          line: h.hunk.headerDocLine + 1,
          applied: h.applied,
          ...(h.appliedAt !== undefined ? { appliedAt: h.appliedAt } : {}),
          ...(h.offset !== undefined ? { offset: h.offset } : {}),
          ...(h.whitespaceFuzz ? { whitespaceFuzz: true } : {}),
          ...(h.reason !== undefined ? { reason: h.reason } : {}),
        })),
      })),
      introduced: findings(p.introduced),
      fixed: findings(p.fixed),
      stillPresent: findings(p.stillPresent),
      notes: p.notes,
    })),
  };
}
