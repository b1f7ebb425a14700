import type { Finding } from '../findings';
import { lineOf, pathOf } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/** write-under-read: a structure modified while the lock of the object that owns it is held only shared. */
export const writeUnderRead: Rule = {
  id: 'write-under-read',
  check(input) {
    if (input.analysis.noLockAnalysis) return [];
    const out: Finding[] = [];
    for (const ev of input.analysis.events) {
      if (ev.kind !== 'write-under-read') continue;
      const how = ev.lock.fromEntry ? 'held by the caller, as the function\'s contract says' : `taken at line ${lineOf(ev.lock.site)} with ${ev.lock.api}`;
      const message = `${ev.api} modifies \`${ev.container}\` while \`${ev.lock.display}\` is held only for reading (${how}); concurrent readers may be walking it`;
      out.push(makeFinding('write-under-read', input, ev.range, message, `${ev.lock.id}@${ev.api}:${ev.container}`,
        [{ range: ev.lock.site, message: ev.lock.fromEntry ? 'the contract here says the caller holds it for reading' : `read lock taken here (${ev.lock.api})` }],
        pathOf(ev.trail, { range: ev.range, message: `${ev.api} writes under the read lock` })));
    }
    return out;
  },
};
