import type { ReadNesting } from '../apis/types';
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
      const readHeld = ev.lock.mode === 'shared';
      const readAgain = readHeld && ev.mode === 'shared';
      const again = ev.via ? `is acquired again inside \`${ev.via[0]}\` (${ev.via.join(' → ')})` : `is acquired again (${ev.api})`;
      const message = `\`${ev.lock.display}\` ${again}${readAgain ? ' for reading' : ''} while already ${readHeld ? 'read-' : ''}${since}${reachedWhen(ev.trail, ev.lock.site.start.line)}: ${consequence(readHeld, readAgain, ev.readNesting, ev.via !== undefined)}`;
      out.push(makeFinding('double-acquire', input, ev.range, message, `${ev.lock.id}@${ev.api}`,
        ev.lock.fromEntry ? [] : [{ range: ev.lock.site, message: `first acquired here (${ev.lock.api})` }],
        pathOf(ev.trail, { range: ev.range, message: `\`${ev.lock.display}\` acquired again` })));
    }
    return out;
  },
};

function consequence(readHeld: boolean, readAgain: boolean, nesting: ReadNesting | undefined, inCallee: boolean): string {
  if (!readHeld) return 'a non-recursive lock deadlocks on itself';
  if (!readAgain) return 'upgrading a read hold to a write hold deadlocks';
  if (nesting === 'redundant') {
    const why = inCallee ? 'the callee takes the lock itself, so its callers must not hold it (or it needs a form that expects the lock held)' : 'this path already holds it for reading';
    return `the API allows nested read holds on one processor, but this one is redundant — ${why}`;
  }
  return 'a second read hold can wait behind a queued writer forever';
}
