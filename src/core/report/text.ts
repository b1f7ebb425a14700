import type { Finding } from '../findings';
import { displayPath, humanPos } from './location';

export interface TextOptions {
  /** Paths under this directory are shown relative to it. */
  cwd: string;
}

/**
 * gcc-style lines that editors and CI logs turn into links:
 *   file:line:col: warning: message [rule-id]
 * followed by indented related locations and the numbered path that proves the finding.
 */
export function formatText(findings: readonly Finding[], options: TextOptions): string {
  const out: string[] = [];
  for (const f of findings) {
    const file = displayPath(f.uri, options.cwd);
    out.push(`${humanPos(file, f.range)}: ${f.severity}: ${f.message} [${f.ruleId}]`);
    for (const r of f.related) {
      out.push(`    ${humanPos(r.uri ? displayPath(r.uri, options.cwd) : file, r.range)}: note: ${r.message}`);
    }
    if (f.path.length > 0) {
      out.push(`    path in ${f.functionName}():`);
      f.path.forEach((step, i) => out.push(`      ${i + 1}. ${humanPos(file, step.range)}: ${step.message}`));
    }
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/** `3 findings (1 error, 2 warnings) in 12 files` — for stderr after text output. */
export function summaryLine(findings: readonly Finding[], files: number): string {
  const count = (s: Finding['severity']): number => findings.filter((f) => f.severity === s).length;
  const parts = (['error', 'warning', 'note'] as const)
    .map((s) => [s, count(s)] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`);
  const total = findings.length;
  return `${total} finding${total === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''} in ${files} file${files === 1 ? '' : 's'}`;
}
