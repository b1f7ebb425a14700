import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RuleId, Severity } from '../findings';

export interface RuleInfo {
  id: RuleId;
  /** PascalCase name for SARIF `reportingDescriptor.name`. */
  name: string;
  /** One sentence: what the rule reports. */
  short: string;
  defaultSeverity: Severity;
}

/** One entry per rule id; the record type makes a missing rule a compile error. */
const RULES: Record<RuleId, Omit<RuleInfo, 'id'>> = {
  'lock-leak': { name: 'LockLeak', short: 'A lock taken in the function may still be held at an exit, on the path shown.', defaultSeverity: 'warning' },
  'double-acquire': { name: 'DoubleAcquire', short: 'A non-recursive lock is acquired while already held (self-deadlock).', defaultSeverity: 'error' },
  'release-unheld': { name: 'ReleaseUnheld', short: 'A lock is released on a path where it is not held.', defaultSeverity: 'warning' },
  'release-mismatch': { name: 'ReleaseMismatch', short: 'The release does not match the acquire: variant (Dpr, irqsave, bh), handle, or read/write mode.', defaultSeverity: 'warning' },
  'write-under-read': { name: 'WriteUnderRead', short: 'A shared structure is modified while its lock is held only for reading.', defaultSeverity: 'warning' },
  'ref-leak': { name: 'RefLeak', short: 'A reference taken in the function is neither dropped nor handed on at some exit.', defaultSeverity: 'warning' },
  'ref-underflow': { name: 'RefUnderflow', short: 'A reference is dropped that this path does not own (double put).', defaultSeverity: 'warning' },
  'use-after-release': { name: 'UseAfterRelease', short: 'An object is used after its last owned reference was dropped or after it was freed.', defaultSeverity: 'error' },
  'lock-order': { name: 'LockOrder', short: 'Two locks are taken in opposite orders in different places (possible ABBA deadlock).', defaultSeverity: 'warning' },
  'analysis-incomplete': { name: 'AnalysisIncomplete', short: 'The function was too complex or too broken to analyse fully; some findings may be missing.', defaultSeverity: 'note' },
  'suppression-without-reason': { name: 'SuppressionWithoutReason', short: 'A lockstep-ignore comment gives no reason.', defaultSeverity: 'note' },
};

export function ruleInfo(id: RuleId): RuleInfo {
  return { id, ...RULES[id] };
}

export function allRules(): RuleInfo[] {
  return (Object.keys(RULES) as RuleId[]).map(ruleInfo);
}

/** Rule pages live here in the repository and in the installed package. The one place that says so. */
export const RULE_DOCS_DIR = 'docs/rules';

/** `file:` URI of the rule pages inside an installed package (the CLI's `dist/..`), ending in `/`. */
export function ruleDocsBaseUri(packageRoot: string): string {
  return `${pathToFileURL(path.join(packageRoot, RULE_DOCS_DIR)).href}/`;
}

export function ruleHelpUri(id: RuleId, baseUri: string): string {
  return `${baseUri}${id}.md`;
}
