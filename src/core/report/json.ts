import type { Finding } from '../findings';
import { jsonEnvelope, type JsonEnvelope } from './envelope';
import { writeJson } from './jsonStream';
import { oneBased } from './location';

export { JSON_FORMAT_VERSION } from './envelope';

/** Something the reader should know about an input or the report that is not a finding. */
export interface ReportNote {
  /** The input it is about; absent for the report as a whole. */
  file?: string;
  message: string;
}

export interface JsonReport extends JsonEnvelope {
  summary: { files: number; findings: number; error: number; warning: number; note: number };
  /** Inputs skipped or read in another encoding, findings left out by the per-function cap, … */
  notes: ReportNote[];
  findings: Finding[];
}

/** A finding with 1-based positions (lines and columns), as every JSON output has them. */
export function oneBasedFinding(f: Finding): Finding {
  return {
    ...f,
    range: oneBased(f.range),
    related: f.related.map((r) => ({ ...r, range: oneBased(r.range) })),
    path: f.path.map((s) => ({ ...s, range: oneBased(s.range) })),
    ...(f.fixes ? { fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, range: oneBased(e.range) })) })) } : {}),
  };
}

/** The findings as JSON for scripts: the core Finding shape with 1-based positions. */
export function toJsonReport(findings: readonly Finding[], files: number, notes: readonly ReportNote[] = []): JsonReport {
  const count = (s: Finding['severity']): number => findings.filter((f) => f.severity === s).length;
  return {
    ...jsonEnvelope(),
    summary: { files, findings: findings.length, error: count('error'), warning: count('warning'), note: count('note') },
    notes: [...notes],
    findings: findings.map(oneBasedFinding),
  };
}

export function formatJson(findings: readonly Finding[], files: number, notes: readonly ReportNote[] = []): string {
  const parts: string[] = [];
  writeJsonReport(findings, files, notes, (c) => parts.push(c));
  return parts.join('');
}

/** Streams the report (see jsonStream): a report of any size is written without one giant string. */
export function writeJsonReport(findings: readonly Finding[], files: number, notes: readonly ReportNote[], write: (chunk: string) => void): void {
  writeJson(toJsonReport(findings, files, notes), write);
}
