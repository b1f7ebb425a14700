import type { EngineEvent } from '../analysis/events';
import type { Finding } from '../findings';
import { pathOf, reachedWhen } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

type UnlockedCall = Extract<EngineEvent, { kind: 'unlocked-call' }>;

/**
 * unlocked-access: state a lock protects is touched without that lock. Today: a call to a function
 * whose contract requires a lock (`OVS_REQUIRES`, `__must_hold`, `_Requires_lock_held_`, on its
 * prototype or its definition) on a path that does not hold it, or holds it only for reading when
 * the contract asks for the write lock. Functions marked `OVS_NO_THREAD_SAFETY_ANALYSIS` are quiet.
 */
export const unlockedAccess: Rule = {
  id: 'unlocked-access',
  check(input) {
    if (input.analysis.noLockAnalysis) return [];
    const out: Finding[] = [];
    for (const ev of input.analysis.events) {
      if (ev.kind !== 'unlocked-call') continue;
      out.push(callFinding(input, ev));
    }
    return out;
  },
};

function callFinding(input: Parameters<Rule['check']>[0], ev: UnlockedCall): Finding {
  const need = ev.mode === 'exclusive' ? 'held for writing' : ev.mode === 'shared' ? 'held (at least for reading)' : 'held';
  const now = ev.heldShared ? `only a read hold of \`${ev.lock}\` is held here` : `\`${ev.lock}\` is not held here`;
  const message = `\`${ev.callee}\` requires \`${ev.lock}\` ${need} (its contract), but ${now}: what the lock protects is touched while other threads may change it${reachedWhen(ev.trail, ev.range.start.line)}`;
  return makeFinding('unlocked-access', input, ev.range, message, `${ev.callee}:${ev.lock}`, [],
    pathOf(ev.trail, { range: ev.range, message: `\`${ev.callee}\` called without \`${ev.lock}\`` }));
}
