import type { Finding } from '../findings';
import { lineOf, pathOf, reachedWhen } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/** double-acquire: a non-recursive lock taken again while this path already holds it. */
export const doubleAcquire: Rule = {
  id: 'double-acquire',
  check(input) {
    if (input.analysis.noLockAnalysis) return [];
    const out: Finding[] = [];
    for (const ev of input.analysis.events) {
      if (ev.kind !== 'double-acquire') continue;
      const since = ev.lock.fromEntry ? 'held by the caller (function contract)' : `held since line ${lineOf(ev.lock.site)} (${ev.lock.api})`;
      const upgrade = ev.lock.mode === 'shared';
      const consequence = upgrade ? 'upgrading a read hold to a write hold deadlocks' : 'a non-recursive lock deadlocks on itself';
      const again = ev.via ? `is acquired again inside \`${ev.via[0]}\` (${ev.via.join(' → ')})` : `is acquired again (${ev.api})`;
      const message = `\`${ev.lock.display}\` ${again} while already ${upgrade ? 'read-' : ''}${since}${reachedWhen(ev.trail, ev.lock.site.start.line)}: ${ev.via && upgrade ? 'a second read hold can wait behind a queued writer forever' : consequence}`;
      out.push(makeFinding('double-acquire', input, ev.range, message, `${ev.lock.id}@${ev.api}`,
        ev.lock.fromEntry ? [] : [{ range: ev.lock.site, message: `first acquired here (${ev.lock.api})` }],
        pathOf(ev.trail, { range: ev.range, message: `\`${ev.lock.display}\` acquired again` })));
    }
    return out;
  },
};
