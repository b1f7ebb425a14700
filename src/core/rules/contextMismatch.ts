import type { Finding } from '../findings';
import { pathOf } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/**
 * context-mismatch, per function: an NDIS / WDK acquire whose variant contradicts what the path
 * knows of IRQL (analysis/lockContext.ts). The Linux half pairs acquires across the inputs
 * (analysis/lockVariants.ts) and is assembled with the other set-level findings.
 */
export const contextMismatch: Rule = {
  id: 'context-mismatch',
  check(input) {
    const out: Finding[] = [];
    if (input.analysis.noLockAnalysis) return out;
    for (const ev of input.analysis.events) {
      if (ev.kind !== 'context-mismatch') continue;
      const related = ev.context ? [{ range: ev.context, message: ev.why === 'sleep-in-atomic' ? 'the atomic section starts here' : 'IRQL is DISPATCH_LEVEL from here: this lock raised it' }] : [];
      out.push(makeFinding('context-mismatch', input, ev.range, ev.message, `${ev.why}@${ev.display}`, related,
        pathOf(ev.trail, { range: ev.range, message: ev.why === 'sleep-in-atomic' ? `\`${ev.api}\` may sleep here` : `\`${ev.api}\` called in the wrong context` })));
    }
    return out;
  },
};
