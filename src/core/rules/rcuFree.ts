import type { Finding } from '../findings';
import { lineOf, pathOf, reachedWhen } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/**
 * rcu-free: an object taken out of a structure that readers walk under RCU (`cmap_remove`,
 * `hlist_del_rcu`, `list_del_rcu`, …) is freed on the same path with no grace period in between:
 * a reader that found it just before the unlink is still using it (analysis/rcuUnlink.ts).
 */
export const rcuFree: Rule = {
  id: 'rcu-free',
  check(input) {
    const out: Finding[] = [];
    for (const ev of input.analysis.events) {
      if (ev.kind !== 'rcu-free') continue;
      const message = `\`${ev.display}\` is freed (${ev.api}) right after it was unlinked with \`${ev.unlinkApi}\` at line ${lineOf(ev.unlinkSite)}, with no RCU grace period in between: readers that found it before the unlink may still be using it${reachedWhen(ev.trail, ev.unlinkSite.start.line)}`;
      out.push(makeFinding('rcu-free', input, ev.range, message, `${ev.obj}@${ev.unlinkApi}`,
        [{ range: ev.unlinkSite, message: `unlinked here (${ev.unlinkApi}); readers may still hold it` }],
        pathOf(ev.trail, { range: ev.range, message: `\`${ev.display}\` freed before a grace period` })));
    }
    return out;
  },
};
