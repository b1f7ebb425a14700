import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { toSarif, type SarifOptions } from '../report/sarif';
import type { PatchReview, ReviewedFinding } from './reviewTypes';

/**
 * SARIF 2.1.0 for `lockstep patch --format sarif`: the introduced findings, built by the same
 * formatter as `check` (locations in the post-image files, relative to the base tree), each with
 * the patch line that introduced it as an extra related location and the patch in `properties`.
 */

export interface ReviewSarifOptions extends SarifOptions {
  /** Absolute path of the patch file; undefined for standard input. */
  patchFile?: string;
}

export function reviewToSarif(review: PatchReview, options: ReviewSarifOptions): Sarif.Log {
  const introduced: { r: ReviewedFinding; label: string }[] = review.patches.flatMap((p) => p.introduced.map((r) => ({ r, label: p.label })));
  const log = toSarif(introduced.map((x) => x.r.finding), options);
  const results = log.runs[0]!.results ?? [];
  results.forEach((res, i) => {
    const { r, label } = introduced[i]!;
    res.properties = { ...(res.properties ?? {}), patchStatus: r.status, patch: label, patchOrdinal: r.patchOrdinal };
    if (options.patchFile !== undefined && r.patchLine !== undefined) {
      const related = res.relatedLocations ?? [];
      related.push({
        id: related.length + 1,
        physicalLocation: { artifactLocation: { uri: pathToFileURL(options.patchFile).href }, region: { startLine: r.patchLine + 1 } },
        message: { text: `introduced by ${label}` },
      });
      res.relatedLocations = related;
    }
  });
  return log;
}
