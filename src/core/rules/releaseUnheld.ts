import type { Finding } from '../findings';
import { lineOf, pathOf, reachedWhen, branchRelated } from './pathWords';
import { trailSteps } from '../analysis/state';
import { makeFinding, type Rule } from './ruleInput';

/**
 * release-unheld: a release on a path where the lock is not held — released twice, or reached
 * (typically through a shared cleanup label) from before the acquire.
 */
export const releaseUnheld: Rule = {
  id: 'release-unheld',
  check(input) {
    if (input.analysis.noLockAnalysis) return [];
    const out: Finding[] = [];
    for (const ev of input.analysis.events) {
      if (ev.kind !== 'release-unheld') continue;
      const steps = trailSteps(ev.trail);
      const earlier = [...steps].reverse().find((s) => s.message.startsWith(`\`${ev.display}\` released`) || s.message.endsWith(`released (${ev.api})`));
      const why = earlier
        ? `it was already released at line ${lineOf(earlier.range)}`
        : 'it has not been acquired on this path';
      const message = `\`${ev.display}\` is released (${ev.api}) where it is not held: ${why}${reachedWhen(ev.trail, 0)}`;
      const related = earlier ? [{ range: earlier.range, message: 'released here first' }] : branchRelated(ev.trail, 0);
      out.push(makeFinding('release-unheld', input, ev.range, message, `${ev.id}@${ev.api}`, related,
        pathOf(ev.trail, { range: ev.range, message: `\`${ev.display}\` released while not held` })));
    }
    return out;
  },
};
