import type { Finding, Severity } from '../findings';
import { displayPath, humanPos } from './location';

/** How text is decorated (colour on a terminal); every function is the identity by default. */
export interface TextStyle {
  error(s: string): string;
  warning(s: string): string;
  note(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const id = (s: string): string => s;
export const PLAIN: TextStyle = { error: id, warning: id, note: id, bold: id, dim: id };

export interface TextOptions {
  /** Paths under this directory are shown relative to it. */
  cwd: string;
  style?: TextStyle;
}

function severity(s: Severity, style: TextStyle): string {
  return s === 'error' ? style.error(style.bold(s)) : s === 'warning' ? style.warning(style.bold(s)) : style.note(style.bold(s));
}

/**
 * One finding as gcc-style lines that editors and CI logs turn into links:
 *   file:line:col: warning: message [rule-id]
 * followed by indented related locations and the numbered path that proves the finding.
 */
export function formatFinding(f: Finding, options: TextOptions): string {
  const style = options.style ?? PLAIN;
  const file = displayPath(f.uri, options.cwd);
  const out = [`${style.bold(`${humanPos(file, f.range)}:`)} ${severity(f.severity, style)}: ${f.message} ${style.dim(`[${f.ruleId}]`)}`];
  for (const r of f.related) {
    out.push(`    ${humanPos(r.uri ? displayPath(r.uri, options.cwd) : file, r.range)}: ${style.note('note')}: ${r.message}`);
  }
  if (f.path.length > 0) {
    out.push(`    path in ${f.functionName}():`);
    f.path.forEach((step, i) => out.push(`      ${i + 1}. ${humanPos(step.uri ? displayPath(step.uri, options.cwd) : file, step.range)}: ${step.message}`));
  }
  return `${out.join('\n')}\n`;
}

export function formatText(findings: readonly Finding[], options: TextOptions): string {
  return findings.map((f) => formatFinding(f, options)).join('');
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
