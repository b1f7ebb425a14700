import type { Finding, RuleId } from '../../../src/core/findings';

/** A hand-made Finding: tests of the matching logic must not depend on the engine. */
export function finding(ruleId: RuleId, uri: string, line: number, fn: string, lock: string, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId,
    severity: 'error',
    message: `${ruleId} of ${lock} in ${fn}`,
    uri,
    range: { start: { line, column: 4 }, end: { line, column: 20 } },
    functionName: fn,
    related: [],
    path: [],
    key: `${ruleId}|${fn}|${lock}`,
    ...extra,
  };
}
