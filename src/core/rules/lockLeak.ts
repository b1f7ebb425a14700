import type { ExitInfo } from '../analysis/explore';
import type { HeldLock } from '../analysis/state';
import type { Finding, RelatedLocation } from '../findings';
import { lineOf, pathOf, reachedWhen, branchRelated } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/**
 * lock-leak: a lock taken in this function is still held at an exit, on the path shown. Locks
 * the function's contract (annotation or inferred wrapper summary) hands to the caller are not leaks.
 * One finding per acquire; the other exits that leave it held are related locations.
 */
export const lockLeak: Rule = {
  id: 'lock-leak',
  check(input) {
    if (input.analysis.noLockAnalysis) return [];
    const a = input.analysis;
    const out: Finding[] = [];
    const groups = new Map<string, { lock: HeldLock; exits: ExitInfo[] }>();
    for (const exit of a.exits) {
      for (const lock of exit.state.locks) {
        if (lock.fromEntry || a.expectedHeld.has(lock.id)) continue;
        const k = `${lock.id}@${lock.site.start.line}:${lock.site.start.column}`;
        const g = groups.get(k);
        if (g) {
          if (!g.exits.some((e) => e.range.start.line === exit.range.start.line)) g.exits.push(exit);
        } else groups.set(k, { lock, exits: [exit] });
      }
    }
    for (const { lock, exits } of groups.values()) {
      const exit = exits[0]!;
      const where = exit.isReturn ? `the return on line ${lineOf(exit.range)}` : `the end of \`${a.fn.name}\` (line ${lineOf(exit.range)})`;
      const more = exits.length > 1 ? ` (and ${exits.length - 1} other exit${exits.length > 2 ? 's' : ''})` : '';
      const message = `\`${lock.display}\` taken at line ${lineOf(lock.site)} (${lock.api}) is still held at ${where}${more}${reachedWhen(exit.state.trail, lock.site.start.line)}`;
      const nth = out.filter((f) => f.key.includes(`:${lock.id}#`)).length;
      const others: RelatedLocation[] = exits.slice(1, 6).map((e) => ({ range: e.range, message: `also leaves with \`${lock.display}\` held` }));
      out.push(makeFinding('lock-leak', input, exit.range, message, `${lock.id}#${nth}`,
        [{ range: lock.site, message: `\`${lock.display}\` acquired here (${lock.api})` }, ...branchRelated(exit.state.trail, lock.site.start.line), ...others],
        pathOf(exit.state.trail, { range: exit.range, message: `exit with \`${lock.display}\` still held` }), exits.slice(1).map((e) => e.range)));
    }
    return out;
  },
};
