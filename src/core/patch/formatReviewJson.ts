import type { PatchReview, ReviewedFinding } from './reviewTypes';

/**
 * JSON for `lockstep patch --format json`. Findings are the engine's Finding objects (0-based
 * positions, as everywhere in the core); `patchLine` is the 0-based line in the patch document.
 * Image texts are left out (the editor gets them from `reviewPatch` directly).
 */

function finding(r: ReviewedFinding): Record<string, unknown> {
  return {
    status: r.status,
    ...(r.patchLine !== undefined ? { patchLine: r.patchLine } : {}),
    ...(r.patchLineText !== undefined ? { patchLineText: r.patchLineText } : {}),
    ...(r.patchLineKind !== undefined ? { patchLineKind: r.patchLineKind } : {}),
    finding: r.finding,
  };
}

export function reviewToJson(review: PatchReview, source: string): Record<string, unknown> {
  return {
    source,
    base: review.baseDescription,
    kind: review.document.kind,
    totals: review.totals,
    patches: review.patches.map((p) => ({
      ordinal: p.patch.ordinal,
      label: p.label,
      ...(p.patch.mail ? { mail: p.patch.mail } : {}),
      startLine: p.patch.startDocLine,
      endLine: p.patch.endDocLine,
      files: p.files.map((f) => ({
        path: f.path,
        status: f.file.status,
        ...(f.file.oldPath !== undefined ? { oldPath: f.file.oldPath } : {}),
        ...(f.file.newPath !== undefined ? { newPath: f.file.newPath } : {}),
        ...(f.file.similarity !== undefined ? { similarity: f.file.similarity } : {}),
        ...(f.file.oldMode !== undefined ? { oldMode: f.file.oldMode } : {}),
        ...(f.file.newMode !== undefined ? { newMode: f.file.newMode } : {}),
        binary: f.file.binary,
        headerStartLine: f.file.headerStartDocLine,
        headerEndLine: f.file.headerEndDocLine,
        ...(f.skipped ? { skipped: f.skipped } : {}),
        reconstructed: f.reconstructed,
        hunks: f.hunks.map((h) => ({
          header: h.hunk.header,
          line: h.hunk.headerDocLine,
          applied: h.applied,
          ...(h.appliedAt !== undefined ? { appliedAt: h.appliedAt } : {}),
          ...(h.offset !== undefined ? { offset: h.offset } : {}),
          ...(h.whitespaceFuzz ? { whitespaceFuzz: true } : {}),
          ...(h.reason !== undefined ? { reason: h.reason } : {}),
        })),
      })),
      introduced: p.introduced.map(finding),
      fixed: p.fixed.map(finding),
      stillPresent: p.stillPresent.map(finding),
      notes: p.notes,
    })),
  };
}
