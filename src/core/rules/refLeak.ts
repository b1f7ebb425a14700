import type { Finding } from '../findings';
import { lineOf, pathOf, reachedWhen, branchRelated } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/** ref-leak: a reference taken here is, on some path, neither dropped nor handed on at an exit. */
export const refLeak: Rule = {
  id: 'ref-leak',
  check(input) {
    const a = input.analysis;
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const exit of a.exits) {
      for (const ref of exit.state.refs) {
        const k = `${ref.obj}@${exit.range.start.line}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const where = exit.isReturn ? `the return on line ${lineOf(exit.range)}` : `the end of \`${a.fn.name}\` (line ${lineOf(exit.range)})`;
        const message = `the reference to \`${ref.display}\` taken at line ${lineOf(ref.site)} (${ref.api}) is neither dropped nor handed on at ${where}${reachedWhen(exit.state.trail, ref.site.start.line)}`;
        const nth = out.filter((f) => f.key.includes(`:${ref.obj}#`)).length;
        out.push(makeFinding('ref-leak', input, exit.range, message, `${ref.obj}#${nth}`,
          [{ range: ref.site, message: `reference taken here (${ref.api})` }, ...branchRelated(exit.state.trail, ref.site.start.line)],
          pathOf(exit.state.trail, { range: exit.range, message: `exit still owning \`${ref.display}\`` })));
      }
    }
    for (const ev of a.events) {
      if (ev.kind !== 'ref-at-exit' || !ev.overwritten) continue;
      const ref = ev.ref;
      const message = `the reference to \`${ref.display}\` taken at line ${lineOf(ref.site)} (${ref.api}) is lost when \`${ref.display}\` is assigned again at line ${lineOf(ev.exitRange)}${reachedWhen(ev.trail, ref.site.start.line)}`;
      const nth = out.filter((f) => f.key.includes(`:${ref.obj}#`)).length;
      out.push(makeFinding('ref-leak', input, ev.exitRange, message, `${ref.obj}#${nth}`,
        [{ range: ref.site, message: `reference taken here (${ref.api})` }],
        pathOf(ev.trail, { range: ev.exitRange, message: `\`${ref.display}\` overwritten while owning a reference` })));
    }
    return out;
  },
};
