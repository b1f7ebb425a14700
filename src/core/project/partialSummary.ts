import type { FunctionSummary } from '../analysis/types';
import type { FnResult } from './fileState';

/**
 * A function the engine saw only in part (its path budget ran out, or its body was cut) infers no
 * effects: guessing would hide its callers' bugs. But whether the budget runs out depends on what
 * its callees' summaries make the paths carry, so in a recursive group "seen in full, says X" and
 * "seen in part, says nothing" can alternate from round to round and never settle. A function seen
 * in part therefore keeps what the same text was last seen to do in full.
 */
export function settledSummary(fresh: FunctionSummary, partial: boolean, previous: FnResult | undefined, text: string): FunctionSummary {
  if (!partial || !previous?.summary || previous.partial || previous.text !== text) return fresh;
  const last = previous.summary;
  return { ...fresh, effects: last.effects, refs: last.refs, noReturn: last.noReturn };
}
