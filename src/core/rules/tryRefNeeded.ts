import type { Finding } from '../findings';
import { lineOf, pathOf } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/**
 * try-ref-needed: an unconditional reference taken on an object this function reached only
 * through an RCU read, with no lock held that keeps its count above zero (analysis/tryRef.ts).
 * A writer may have unlinked it and dropped the last reference already; its free waits only for
 * this reader's grace period. The try form fails on a dead count; the plain one revives it.
 * Functions whose callers must hold a lock (a contract, or a requirement read from the body) are
 * quiet: that lock may be the one writers take.
 */
export const tryRefNeeded: Rule = {
  id: 'try-ref-needed',
  check(input) {
    const out: Finding[] = [];
    const a = input.analysis;
    if (a.contract.some((e) => e.op === 'requires') || a.inferred.some((e) => e.op === 'requires')) return out;
    for (const ev of a.events) {
      if (ev.kind !== 'try-ref-needed') continue;
      const where = ev.side === 'section' ? 'inside the RCU read-side section' : 'by a lock-free RCU read';
      const message = `\`${ev.api}\` takes a reference on \`${ev.display}\` unconditionally, but \`${ev.display}\` was reached through \`${ev.via}\` (line ${lineOf(ev.reachedAt)}) ${where} with no lock held that keeps it alive: a writer may already have unlinked it and dropped the last reference, leaving only the grace period before the free. Use the try form (\`${ev.tryForm}\`) and skip the object when it fails`;
      const f = makeFinding('try-ref-needed', input, ev.range, message, `${ev.obj}@${ev.api}`,
        [{ range: ev.reachedAt, message: `\`${ev.display}\` reached here through \`${ev.via}\`: only RCU keeps it from being freed` }],
        pathOf(ev.trail, { range: ev.range, message: `unconditional reference on \`${ev.display}\` (${ev.api})` }));
      out.push(ev.objType ? { ...f, rcuObjectType: ev.objType } : f);
    }
    return out;
  },
};
