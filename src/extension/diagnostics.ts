import * as vscode from 'vscode';
import type { Finding, Severity } from '../core/findings';
import type { SourceRange } from '../core/source';
import { explainingSteps, plainMessage, unquoteCode } from './diagnosticText';
import type { SeveritySetting } from './settings';

export const DIAGNOSTIC_SOURCE = 'lockstep';
/** Path steps beyond this many are left to the output channel: the hover stays readable. */
const MAX_PATH_STEPS = 12;

export function toRange(r: SourceRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.column, r.end.line, r.end.column);
}

const BY_SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  note: vscode.DiagnosticSeverity.Information,
};

const BY_SETTING: Record<Exclude<SeveritySetting, 'off'>, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** The shipped doc page of a rule (opens inside VS Code). */
export function ruleDocUri(extensionUri: vscode.Uri, ruleId: string): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${ruleId}.md`);
}

/**
 * One diagnostic per finding: source `lockstep`, the rule id linking to its doc page, the severity
 * from settings (or the rule's own), the message in plain words (diagnosticText.ts; the hover has the
 * full text), and related locations for the sites the finding names and the path steps that explain
 * it. Undefined when the user turned the rule off.
 */
export function toDiagnostic(
  finding: Finding, documentUri: vscode.Uri, extensionUri: vscode.Uri, overrides: Partial<Record<string, SeveritySetting>>,
): vscode.Diagnostic | undefined {
  const override = overrides[finding.ruleId];
  if (override === 'off') return undefined;
  const severity = override ? BY_SETTING[override] : BY_SEVERITY[finding.severity];
  const d = new vscode.Diagnostic(toRange(finding.range), plainMessage(finding), severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: finding.ruleId, target: ruleDocUri(extensionUri, finding.ruleId) };
  const related: vscode.DiagnosticRelatedInformation[] = [];
  const locate = (uri: string | undefined, r: SourceRange): vscode.Location =>
    new vscode.Location(uri && uri !== finding.uri ? vscode.Uri.parse(uri) : documentUri, toRange(r));
  for (const r of finding.related) related.push(new vscode.DiagnosticRelatedInformation(locate(r.uri, r.range), unquoteCode(r.message)));
  const path = explainingSteps(finding);
  const steps = path.slice(0, MAX_PATH_STEPS);
  steps.forEach((s, i) => related.push(new vscode.DiagnosticRelatedInformation(locate(s.uri, s.range), `path ${i + 1}: ${unquoteCode(s.message)}`)));
  if (path.length > steps.length) {
    const last = path.at(-1)!;
    related.push(new vscode.DiagnosticRelatedInformation(locate(last.uri, last.range), `path ${path.length}: ${unquoteCode(last.message)} (${path.length - steps.length - 1} steps omitted)`));
  }
  if (related.length) d.relatedInformation = related;
  return d;
}

/** Identity of a diagnostic for matching it back to its finding in code actions. */
export function diagnosticKey(ruleId: string, range: vscode.Range, message: string): string {
  return `${ruleId}@${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}|${message}`;
}

export function findingKey(f: Finding): string {
  return diagnosticKey(f.ruleId, toRange(f.range), plainMessage(f));
}
