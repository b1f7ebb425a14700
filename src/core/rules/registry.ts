import type { RuleId, Severity } from '../findings';

export interface RuleMeta {
  id: RuleId;
  /** One line for SARIF `shortDescription` and the editor's hover. */
  short: string;
  defaultSeverity: Severity;
}

/** Where rule docs live in the repository and the package (docs/rules/<id>.md). */
export const RULE_DOC_BASE = 'https://github.com/lockstep-dev/lockstep/blob/main/docs/rules/';

export function ruleDocPath(id: RuleId): string {
  return `docs/rules/${id}.md`;
}

export const RULES: Record<RuleId, RuleMeta> = {
  'lock-leak': { id: 'lock-leak', short: 'A lock taken in the function may still be held at an exit.', defaultSeverity: 'error' },
  'double-acquire': { id: 'double-acquire', short: 'A non-recursive lock is acquired while already held (self-deadlock).', defaultSeverity: 'error' },
  'release-unheld': { id: 'release-unheld', short: 'A lock is released on a path where it is not held.', defaultSeverity: 'error' },
  'release-mismatch': { id: 'release-mismatch', short: 'The release does not match the acquire (variant, handle, mode or API family).', defaultSeverity: 'error' },
  'write-under-read': { id: 'write-under-read', short: 'A structure is modified while its lock is held only for reading.', defaultSeverity: 'warning' },
  'ref-leak': { id: 'ref-leak', short: 'A reference taken in the function is neither dropped nor handed on at an exit.', defaultSeverity: 'warning' },
  'ref-underflow': { id: 'ref-underflow', short: 'A reference is dropped that this path does not own (double put).', defaultSeverity: 'error' },
  'use-after-release': { id: 'use-after-release', short: 'An object is used after its last owned reference was dropped or it was freed.', defaultSeverity: 'error' },
  'use-after-unlock': { id: 'use-after-unlock', short: 'A pointer reached under a lock is used after the lock is released, with no reference keeping the object alive.', defaultSeverity: 'warning' },
  'unlocked-access': { id: 'unlocked-access', short: 'State a lock protects is touched without that lock (a call to a function that requires it).', defaultSeverity: 'warning' },
  'rcu-free': { id: 'rcu-free', short: 'An object unlinked from an RCU-read structure is freed without waiting for a grace period.', defaultSeverity: 'error' },
  'inconsistent-exit': { id: 'inconsistent-exit', short: 'A lock the caller holds is released on some exits and still held at others, and the result does not say which.', defaultSeverity: 'error' },
  'try-ref-needed': { id: 'try-ref-needed', short: 'An unconditional reference is taken on an object reached only through an RCU read; its count may already be zero (use the try form).', defaultSeverity: 'warning' },
  'context-mismatch': { id: 'context-mismatch', short: 'A lock variant or a call does not fit the execution context (NDIS IRQL flags or Dpr form, Linux plain vs _bh/_irqsave, a call that may sleep under a spin lock or in an RCU read section).', defaultSeverity: 'warning' },
  'lock-order': { id: 'lock-order', short: 'Two locks are taken in opposite orders (possible ABBA deadlock).', defaultSeverity: 'warning' },
  'analysis-incomplete': { id: 'analysis-incomplete', short: 'The analysis of a function stopped early or could not see part of it.', defaultSeverity: 'note' },
  'suppression-without-reason': { id: 'suppression-without-reason', short: 'A lockstep-ignore comment gives no reason.', defaultSeverity: 'note' },
};
