import type { SourceRange } from './source';

/** Stable rule ids; each has a doc page under docs/rules/<id>.md. */
export const RULE_IDS = [
  'lock-leak', 'double-acquire', 'release-unheld', 'release-mismatch', 'write-under-read',
  'ref-leak', 'ref-underflow', 'use-after-release', 'use-after-unlock', 'unlocked-access', 'rcu-free', 'inconsistent-exit', 'try-ref-needed', 'context-mismatch', 'lock-order',
  'analysis-incomplete', 'suppression-without-reason',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export type Severity = 'error' | 'warning' | 'note';

export interface RelatedLocation {
  /** Omitted when the location is in the finding's own file. */
  uri?: string;
  range: SourceRange;
  message: string;
}

/** One step of the path that proves a finding, in execution order. */
export interface PathStep {
  /** Omitted when the step is in the finding's own file. */
  uri?: string;
  range: SourceRange;
  message: string;
}

export interface TextEdit {
  range: SourceRange;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
}

export interface Finding {
  ruleId: RuleId;
  severity: Severity;
  message: string;
  uri: string;
  range: SourceRange;
  /** Enclosing function (SARIF logicalLocations). */
  functionName: string;
  /**
   * Pipeline-internal: report only if nothing in the inputs calls the function (its requirement
   * is otherwise its callers' to meet). Removed before findings leave the pipeline.
   */
  entryOnly?: boolean;
  /**
   * Pipeline-internal: a requirement read from callees' bodies (not a contract), reported only if
   * the function runs in a registered context that holds nothing (an RCU callback, a work item, a
   * file operation: analysis/executionContexts.ts). Removed before findings leave the pipeline.
   */
  contextOnly?: boolean;
  /**
   * Pipeline-internal (try-ref-needed): the struct type of the object; dropped when the inputs free
   * objects of that type at once and never after a grace period. Removed before findings leave the pipeline.
   */
  rcuObjectType?: string;
  related: RelatedLocation[];
  path: PathStep[];
  fixes?: Fix[];
  /**
   * The same root cause where else it shows (the other exits that leak the lock, the later uses
   * of a freed object): one finding for the user, but patch review counts each of them, so a new
   * leaking exit is still an introduced one.
   */
  occurrences?: SourceRange[];
  /**
   * Identity that survives line shifts: rule, function and lock/object, plus the kind of exit.
   * Patch review matches pre- and post-image findings by it.
   */
  key: string;
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.uri < b.uri ? -1 : a.uri > b.uri ? 1
    : a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column
    || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}
