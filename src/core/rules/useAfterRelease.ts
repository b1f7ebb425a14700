import type { Finding } from '../findings';
import { lineOf, pathOf, reachedWhen } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/** use-after-release: the object is used after this path dropped its last reference or freed it. */
export const useAfterRelease: Rule = {
  id: 'use-after-release',
  check(input) {
    const out: Finding[] = [];
    for (const ev of input.analysis.events) {
      if (ev.kind !== 'use-after-release') continue;
      const how = ev.dead.how === 'freed' ? 'it was freed' : ev.dead.how === 'destroyed' ? 'it was marked for destruction' : 'its reference was dropped';
      const message = `\`${ev.dead.display}\` is used after ${how} at line ${lineOf(ev.dead.site)} (${ev.dead.api}): ${ev.use}${reachedWhen(ev.trail, ev.dead.site.start.line)}`;
      out.push(makeFinding('use-after-release', input, ev.range, message, `${ev.dead.obj}@${ev.dead.api}`,
        [{ range: ev.dead.site, message: `${ev.dead.how} here (${ev.dead.api})` }],
        pathOf(ev.trail, { range: ev.range, message: `\`${ev.dead.display}\` used` })));
    }
    return out;
  },
};
