import type { Finding } from '../findings';
import { lineOf, pathOf } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/**
 * release-mismatch: the release's family, variant, mode or handle differs from the acquire's; or
 * memory is freed with another allocator's free (`kmem_cache_alloc` then `kfree`).
 */
export const releaseMismatch: Rule = {
  id: 'release-mismatch',
  check(input) {
    const out: Finding[] = [];
    for (const ev of input.analysis.events) {
      if (ev.kind !== 'free-mismatch') continue;
      const message = `\`${ev.mem.display}\` was allocated with ${ev.mem.api} (${ev.mem.family}) at line ${lineOf(ev.mem.site)} and is freed with ${ev.api} (${ev.family}): free it with its own allocator's free`;
      out.push(makeFinding('release-mismatch', input, ev.range, message, `${ev.mem.obj}@${ev.api}`,
        [{ range: ev.mem.site, message: `allocated here (${ev.mem.api})` }],
        pathOf(ev.trail, { range: ev.range, message: `freed with ${ev.api}` })));
    }
    if (input.analysis.noLockAnalysis) return out;
    for (const ev of input.analysis.events) {
      if (ev.kind !== 'release-mismatch') continue;
      const acquire = ev.lock.fromEntry ? 'how the caller holds it (function contract)' : `its acquire at line ${lineOf(ev.lock.site)}`;
      const message = `the release of \`${ev.lock.display}\` (${ev.api}) does not match ${acquire}: ${ev.reason}`;
      out.push(makeFinding('release-mismatch', input, ev.range, message, `${ev.lock.id}@${ev.api}`,
        [{ range: ev.lock.site, message: ev.lock.fromEntry ? 'the contract here says the caller holds it' : `acquired here (${ev.lock.api})` }],
        pathOf(ev.trail, { range: ev.range, message: `released with ${ev.api}` })));
    }
    return out;
  },
};
