import type { Finding } from '../findings';
import { VERSION } from '../version';
import { oneBased } from './location';

/** Bumped when the shape of the JSON output changes incompatibly. */
export const JSON_FORMAT_VERSION = 1;

export interface JsonReport {
  formatVersion: number;
  tool: { name: 'lockstep'; version: string };
  /** Every line and column in `findings` is 1-based; range ends are exclusive. */
  positions: '1-based';
  summary: { files: number; findings: number; error: number; warning: number; note: number };
  findings: Finding[];
}

/** The findings as JSON for scripts: the core Finding shape with 1-based positions. */
export function toJsonReport(findings: readonly Finding[], files: number): JsonReport {
  const shifted = findings.map((f): Finding => ({
    ...f,
    range: oneBased(f.range),
    related: f.related.map((r) => ({ ...r, range: oneBased(r.range) })),
    path: f.path.map((s) => ({ ...s, range: oneBased(s.range) })),
    ...(f.fixes ? { fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, range: oneBased(e.range) })) })) } : {}),
  }));
  const count = (s: Finding['severity']): number => findings.filter((f) => f.severity === s).length;
  return {
    formatVersion: JSON_FORMAT_VERSION,
    tool: { name: 'lockstep', version: VERSION },
    positions: '1-based',
    summary: { files, findings: findings.length, error: count('error'), warning: count('warning'), note: count('note') },
    findings: shifted,
  };
}

export function formatJson(findings: readonly Finding[], files: number): string {
  return `${JSON.stringify(toJsonReport(findings, files), null, 2)}\n`;
}
