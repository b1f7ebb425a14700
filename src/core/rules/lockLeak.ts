import type { Finding } from '../findings';
import { lineOf, pathOf, reachedWhen, branchRelated } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/**
 * lock-leak: a lock taken in this function is still held at an exit, on the path shown. Locks
 * the function's contract (annotation or inferred wrapper summary) hands to the caller are not leaks.
 */
export const lockLeak: Rule = {
  id: 'lock-leak',
  check(input) {
    const a = input.analysis;
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const exit of a.exits) {
      for (const lock of exit.state.locks) {
        if (lock.fromEntry || a.expectedHeld.has(lock.id)) continue;
        const k = `${lock.id}@${exit.range.start.line}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const where = exit.isReturn ? `the return on line ${lineOf(exit.range)}` : `the end of \`${a.fn.name}\` (line ${lineOf(exit.range)})`;
        const message = `\`${lock.display}\` taken at line ${lineOf(lock.site)} (${lock.api}) is still held at ${where}${reachedWhen(exit.state.trail, lock.site.start.line)}`;
        const nth = out.filter((f) => f.key.includes(`:${lock.id}#`)).length;
        out.push(makeFinding('lock-leak', input, exit.range, message, `${lock.id}#${nth}`,
          [{ range: lock.site, message: `\`${lock.display}\` acquired here (${lock.api})` }, ...branchRelated(exit.state.trail, lock.site.start.line)],
          pathOf(exit.state.trail, { range: exit.range, message: `exit with \`${lock.display}\` still held` })));
      }
    }
    return out;
  },
};
