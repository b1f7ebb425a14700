import type { EngineEvent } from '../analysis/events';
import type { Finding } from '../findings';
import { lineOf, pathOf, reachedWhen } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

type UseEvent = Extract<EngineEvent, { kind: 'use-after-release' }>;

/**
 * use-after-release: the object is used after this path dropped its last reference or freed it.
 * One finding per release (its first use on the shortest path); later uses of the same released
 * object are related locations, not findings of their own.
 */
export const useAfterRelease: Rule = {
  id: 'use-after-release',
  check(input) {
    const out: Finding[] = [];
    const groups = new Map<string, UseEvent[]>();
    for (const ev of input.analysis.events) {
      if (ev.kind !== 'use-after-release') continue;
      const k = `${ev.dead.obj}@${ev.dead.site.start.line}:${ev.dead.site.start.column}`;
      const g = groups.get(k);
      if (g) g.push(ev);
      else groups.set(k, [ev]);
    }
    for (const [, evs] of groups) {
      const ev = evs[0]!;
      const how = ev.dead.how === 'freed' ? 'it was freed' : ev.dead.how === 'destroyed' ? 'it was marked for destruction'
        : ev.dead.how === 'stale' ? `\`${ev.dead.of ?? 'the packet'}\`'s buffer may have been reallocated (it points into the old one)`
        : ev.dead.heldBy ? `the reference \`${ev.dead.heldBy}\` held on it was dropped` : 'its reference was dropped';
      const what = ev.dead.heldBy && ev.dead.how === 'freed' ? `\`${ev.dead.heldBy}\` (which it copies) was freed` : how;
      // A copy of a field holds no reference of its own: even a free that waits for a grace period leaves it unowned.
      const held = ev.dead.heldBy && ev.dead.how !== 'freed' ? ` — \`${ev.dead.display}\` is a copy of \`${ev.dead.heldBy}\` with no reference of its own${ev.dead.deferredFree ? ' (the last free waits for a grace period, but nothing this function holds keeps the object)' : ''}` : '';
      const more = evs.length > 1 ? ` (and ${evs.length - 1} later use${evs.length > 2 ? 's' : ''})` : '';
      const message = `\`${ev.dead.display}\` is used after ${what} at line ${lineOf(ev.dead.site)} (${ev.dead.api}): ${ev.use}${more}${held}${reachedWhen(ev.trail, ev.dead.site.start.line)}`;
      const later = evs.slice(1, 6).map((e) => ({ range: e.range, message: `also used here: ${e.use}` }));
      out.push(makeFinding('use-after-release', input, ev.range, message, `${ev.dead.obj}@${ev.dead.api}`,
        [{ range: ev.dead.site, message: ev.dead.how === 'stale' ? `may reallocate \`${ev.dead.of ?? 'the packet'}\`'s buffer here (${ev.dead.api})` : `${ev.dead.how} here (${ev.dead.api})` }, ...later],
        pathOf(ev.trail, { range: ev.range, message: `\`${ev.dead.display}\` used` }), evs.slice(1).map((e) => e.range)));
    }
    return out;
  },
};
