import type * as Sarif from 'sarif';
import type { Finding } from '../findings';
import { VERSION } from '../version';
import type { PatchReview, ReviewedFinding } from './reviewTypes';

/**
 * SARIF 2.1.0 for `lockstep patch --format sarif`: one result per introduced finding, located in
 * the post-image file like `check` locates it, with the patch line as a related location and the
 * status (`introduced`) in `properties`. Interim: when `src/core/report/sarif.ts` (the shared
 * `check` formatter) lands, results should be built by it so both commands stay identical.
 */

const LEVEL: Record<Finding['severity'], Sarif.Result.level> = { error: 'error', warning: 'warning', note: 'note' };

function region(f: Finding): Sarif.Region {
  return { startLine: f.range.start.line + 1, startColumn: f.range.start.column + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.column + 1 };
}

function result(r: ReviewedFinding, label: string, source: string): Sarif.Result {
  const f = r.finding;
  const related: Sarif.Location[] = f.related.map((rel, id) => ({
    id,
    physicalLocation: { artifactLocation: { uri: rel.uri ?? f.uri }, region: { startLine: rel.range.start.line + 1, startColumn: rel.range.start.column + 1 } },
    message: { text: rel.message },
  }));
  if (r.patchLine !== undefined) {
    related.push({
      id: related.length,
      physicalLocation: { artifactLocation: { uri: source }, region: { startLine: r.patchLine + 1 } },
      message: { text: `${r.status} by ${label}` },
    });
  }
  return {
    ruleId: f.ruleId,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{
      physicalLocation: { artifactLocation: { uri: f.uri }, region: region(f) },
      logicalLocations: [{ name: f.functionName, kind: 'function' }],
    }],
    ...(related.length ? { relatedLocations: related } : {}),
    ...(f.path.length ? {
      codeFlows: [{ threadFlows: [{ locations: f.path.map((s) => ({ location: { physicalLocation: { artifactLocation: { uri: f.uri }, region: { startLine: s.range.start.line + 1, startColumn: s.range.start.column + 1 } }, message: { text: s.message } } })) }] }],
    } : {}),
    partialFingerprints: { lockstepKey: f.key },
    properties: { patchStatus: r.status, patch: label },
  };
}

export function reviewToSarif(review: PatchReview, source: string): Sarif.Log {
  const results = review.patches.flatMap((p) => p.introduced.map((r) => result(r, p.label, source)));
  const ruleIds = [...new Set(results.map((r) => r.ruleId!))].sort();
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: { driver: { name: 'lockstep', version: VERSION, rules: ruleIds.map((id) => ({ id, shortDescription: { text: id } })) } },
      results,
    }],
  };
}
