import type { Finding } from '../findings';
import { makeFinding, type Rule } from './ruleInput';
import { DEFAULT_MAX_STATES_PER_NODE } from '../analysis/explore';

/** analysis-incomplete: at most one note per function, when a cap was hit or parse damage hides a lock call. */
export const analysisIncomplete: Rule = {
  id: 'analysis-incomplete',
  check(input) {
    const a = input.analysis;
    const reasons: string[] = [];
    if (a.incomplete && a.incompleteReason === 'timeout') reasons.push('the path analysis ran out of its time limit, so some paths were not followed');
    else if (a.incomplete) reasons.push(`the path analysis hit its cap (${DEFAULT_MAX_STATES_PER_NODE} states at one point or too many steps), so some paths were not followed`);
    if (a.truncated) reasons.push('blocks nest deeper than the 400 levels the analysis follows, so the innermost part was not looked into');
    if (a.hiddenLockCalls.length > 0) reasons.push(`a region that does not parse (an unknown macro?) hides ${a.hiddenLockCalls.map((n) => `\`${n}\``).join(', ')}`);
    if (reasons.length === 0) return [] as Finding[];
    const message = `analysis of \`${a.fn.name}\` is incomplete: ${reasons.join('; ')}; findings for this function may be missing`;
    return [makeFinding('analysis-incomplete', input, a.fn.nameRange, message, 'incomplete', [], [])];
  },
};
