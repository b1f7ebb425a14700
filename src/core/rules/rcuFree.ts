import type { Finding } from '../findings';
import { lineOf, pathOf, reachedWhen } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/**
 * rcu-free: an object readers may still be using under RCU is freed with no grace period first.
 * Two shapes: an object taken out of a structure that readers walk under RCU (`cmap_remove`,
 * `hlist_del_rcu`, `list_del_rcu`, …) and freed on the same path (analysis/rcuUnlink.ts); and the
 * current value of a field the file publishes to RCU readers (`rcu_assign_pointer`, `ovsrcu_set`)
 * and whose old values it frees only after a grace period, freed directly (analysis/rcuFields.ts).
 */
export const rcuFree: Rule = {
  id: 'rcu-free',
  check(input) {
    const out: Finding[] = [];
    for (const ev of input.analysis.events) {
      if (ev.kind === 'rcu-field-free') {
        const message = `\`${ev.display}\` is freed (${ev.api}) with no RCU grace period first, but \`${ev.place}\` is published to lock-free readers (${ev.publishApi} at line ${lineOf(ev.publishSite)}) and its old values are freed only after a grace period (${ev.deferApi} at line ${lineOf(ev.deferSite)}): a reader that loaded it may still be using it${reachedWhen(ev.trail, -1)}`;
        out.push(makeFinding('rcu-free', input, ev.range, message, `${ev.place}@field`,
          [{ range: ev.publishSite, message: `\`->${ev.field}\` published to readers here (${ev.publishApi})` },
            { range: ev.deferSite, message: `old values of \`->${ev.field}\` freed after a grace period here (${ev.deferApi})` }],
          pathOf(ev.trail, { range: ev.range, message: `\`${ev.display}\` freed before a grace period` })));
        continue;
      }
      if (ev.kind !== 'rcu-free') continue;
      const message = `\`${ev.display}\` is freed (${ev.api}) right after it was unlinked with \`${ev.unlinkApi}\` at line ${lineOf(ev.unlinkSite)}, with no RCU grace period in between: readers that found it before the unlink may still be using it${reachedWhen(ev.trail, ev.unlinkSite.start.line)}`;
      out.push(makeFinding('rcu-free', input, ev.range, message, `${ev.obj}@${ev.unlinkApi}`,
        [{ range: ev.unlinkSite, message: `unlinked here (${ev.unlinkApi}); readers may still hold it` }],
        pathOf(ev.trail, { range: ev.range, message: `\`${ev.display}\` freed before a grace period` })));
    }
    return out;
  },
};
