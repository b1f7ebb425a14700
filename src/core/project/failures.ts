import type { Finding } from '../findings';
import { RULES } from '../rules/registry';
import type { FnRecord } from './fileState';

/**
 * An input that broke the analysis is said, not hidden and not fatal: the file or function gets an
 * `analysis-incomplete` note with the reason, and the run goes on with the rest.
 */
export function failureFinding(uri: string, r: FnRecord, err: unknown): Finding {
  const reason = err instanceof Error ? err.message : String(err);
  return {
    ruleId: 'analysis-incomplete',
    severity: RULES['analysis-incomplete'].defaultSeverity,
    message: `analysis of \`${r.name}\` failed (${reason.slice(0, 200)}); findings for this function may be missing`,
    uri,
    range: r.def.nameRange,
    functionName: r.name,
    related: [],
    path: [],
    key: `analysis-incomplete:${r.name}:failed`,
  };
}

export function fileFailureFinding(uri: string, reason: string): Finding {
  const zero = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
  return {
    ruleId: 'analysis-incomplete',
    severity: RULES['analysis-incomplete'].defaultSeverity,
    message: `this file could not be analysed (${reason.slice(0, 200)}); findings for it may be missing`,
    uri,
    range: zero,
    functionName: '',
    related: [],
    path: [],
    key: 'analysis-incomplete::file',
  };
}
