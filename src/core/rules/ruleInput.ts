import type { FunctionAnalysis } from '../analysis/functionAnalysis';
import type { Finding, PathStep, RelatedLocation, RuleId } from '../findings';
import type { SourceRange } from '../source';
import { RULES } from './registry';

export interface RuleInput {
  uri: string;
  analysis: FunctionAnalysis;
}

/** A rule: its id and how it turns one function's analysis into findings. */
export interface Rule {
  id: RuleId;
  check(input: RuleInput): Finding[];
}

export function makeFinding(
  id: RuleId,
  input: RuleInput,
  range: SourceRange,
  message: string,
  key: string,
  related: RelatedLocation[],
  path: PathStep[],
  occurrences?: SourceRange[],
): Finding {
  return {
    ...(occurrences && occurrences.length > 0 ? { occurrences } : {}),
    ruleId: id,
    severity: RULES[id].defaultSeverity,
    message,
    uri: input.uri,
    range,
    functionName: input.analysis.fn.name,
    related,
    path,
    key: `${id}:${input.analysis.fn.name}:${key}`,
  };
}
