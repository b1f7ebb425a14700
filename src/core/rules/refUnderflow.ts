import type { Finding } from '../findings';
import { lineOf, pathOf, reachedWhen } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/** ref-underflow: a reference dropped that this path no longer owns (a double put). */
export const refUnderflow: Rule = {
  id: 'ref-underflow',
  check(input) {
    const out: Finding[] = [];
    // One finding per first drop: a second put after each of several uses is one mistake.
    const seen = new Set<string>();
    for (const ev of input.analysis.events) {
      if (ev.kind !== 'ref-underflow') continue;
      const k = `${ev.obj}@${ev.droppedBefore ? `${ev.droppedBefore.start.line}:${ev.droppedBefore.start.column}` : `${ev.range.start.line}`}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const before = ev.droppedBefore ? ` after this path already dropped it at line ${lineOf(ev.droppedBefore)}` : '';
      const message = `\`${ev.display}\` loses a reference it does not own (${ev.api})${before}${ev.droppedBefore ? reachedWhen(ev.trail, ev.droppedBefore.start.line) : ''}: the count can hit zero while others still use the object`;
      out.push(makeFinding('ref-underflow', input, ev.range, message, `${ev.obj}@${ev.api}`,
        ev.droppedBefore ? [{ range: ev.droppedBefore, message: 'reference dropped here first' }] : [],
        pathOf(ev.trail, { range: ev.range, message: `\`${ev.display}\` dropped again` })));
    }
    return out;
  },
};
