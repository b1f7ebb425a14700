import type { EngineEvent } from '../analysis/events';
import type { Finding } from '../findings';
import { lineOf, pathOf, reachedWhen } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

type UnlockedUse = Extract<EngineEvent, { kind: 'use-after-unlock' }>;

/**
 * use-after-unlock: a pointer to a reference-counted object was reached under a lock (a lookup, a
 * read of a shared structure), the lock was released, and the pointer is used with nothing keeping
 * the object alive — another thread may have removed and freed it in between (analysis/protection.ts).
 * One finding per place the object was reached; later uses are related locations.
 */
export const useAfterUnlock: Rule = {
  id: 'use-after-unlock',
  check(input) {
    const out: Finding[] = [];
    const groups = new Map<string, UnlockedUse[]>();
    for (const ev of input.analysis.events) {
      if (ev.kind !== 'use-after-unlock') continue;
      const k = `${ev.dead.obj}@${ev.dead.site.start.line}:${ev.dead.site.start.column}`;
      const g = groups.get(k);
      if (g) g.push(ev);
      else groups.set(k, [ev]);
    }
    for (const [, evs] of groups) {
      const ev = evs[0]!;
      const d = ev.dead;
      const written = (d.endedBy ?? 'the lock').replace(/^&\s*/, '');
      const lock = /^rcu/.test(written) ? 'the RCU read-side section' : `\`${written}\``;
      const rcu = /^rcu/.test(written);
      const held = rcu ? 'inside the RCU read-side section' : `while ${lock} was held`;
      const found = d.api === 'a read of shared state' ? 'read from shared state' : `found by \`${d.api}\``;
      const more = evs.length > 1 ? ` (and ${evs.length - 1} later use${evs.length > 2 ? 's' : ''})` : '';
      const ended = d.endedAt ? ` at line ${lineOf(d.endedAt)}` : '';
      const message = `\`${d.display}\` was ${found} at line ${lineOf(d.site)} ${held}, and is used after ${lock} ${rcu ? 'ended' : 'was released'}${ended} with no reference taken: ${ev.use}${more}; another thread may free it in between${reachedWhen(ev.trail, d.site.start.line)}`;
      const related = [{ range: d.site, message: `\`${d.display}\` reached here ${held}` }];
      if (d.endedAt) related.push({ range: d.endedAt, message: `${lock} ends here: nothing keeps \`${d.display}\` alive` });
      const later = evs.slice(1, 6).map((e) => ({ range: e.range, message: `also used here: ${e.use}` }));
      out.push(makeFinding('use-after-unlock', input, ev.range, message, `${d.obj}@${d.api}`,
        [...related, ...later],
        pathOf(ev.trail, { range: ev.range, message: `\`${d.display}\` used without protection` }), evs.slice(1).map((e) => e.range)));
    }
    return out;
  },
};
