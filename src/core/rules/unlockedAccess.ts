import type { EngineEvent } from '../analysis/events';
import type { Finding } from '../findings';
import { lineOf, pathOf, reachedWhen } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

type UnlockedCall = Extract<EngineEvent, { kind: 'unlocked-call' }>;
type UnlockedField = Extract<EngineEvent, { kind: 'unlocked-field' }>;
type LookupBeforeLock = Extract<EngineEvent, { kind: 'lookup-before-lock' }>;

/**
 * unlocked-access: state a lock protects is touched without that lock: a field the struct declares
 * guarded (`OVS_GUARDED`, `OVS_GUARDED_BY(m)`, `_Guarded_by_(l)`, `__guarded_by(l)`), or a call to a function
 * whose contract requires a lock (`OVS_REQUIRES`, `__must_hold`, `_Requires_lock_held_`, on its
 * prototype or its definition) on a path that does not hold it, or holds it only for reading when
 * the contract asks for the write lock. Requirements read from bodies (a callee's `rcu_dereference`,
 * `rcu_dereference_protected(p, lockdep_is_held(&m))`) are callers' preconditions, said only where
 * a registered execution context cannot meet them (executionContexts.ts). Functions marked
 * `OVS_NO_THREAD_SAFETY_ANALYSIS` are quiet. A lookup made with no lock held whose result the
 * function then dereferences under a lock it takes itself is the table searched outside its lock
 * (analysis/lookupBeforeLock.ts).
 */
export const unlockedAccess: Rule = {
  id: 'unlocked-access',
  check(input) {
    if (input.analysis.noLockAnalysis) return [];
    const out: Finding[] = [];
    for (const ev of input.analysis.events) {
      if (ev.kind === 'unlocked-call') out.push(callFinding(input, ev));
      else if (ev.kind === 'unlocked-field') out.push(fieldFinding(input, ev));
      else if (ev.kind === 'lookup-before-lock') out.push(lookupFinding(input, ev));
    }
    return out;
  },
};

function callFinding(input: Parameters<Rule['check']>[0], ev: UnlockedCall): Finding {
  if (ev.anyLock) return readSideFinding(input, ev);
  const need = ev.mode === 'exclusive' ? 'held for writing' : ev.mode === 'shared' ? 'held (at least for reading)' : 'held';
  const now = ev.heldShared ? `only a read hold of \`${ev.lock}\` is held here` : `\`${ev.lock}\` is not held here`;
  const why = ev.via ? `it calls \`${ev.via}\`, which requires it, and never takes it itself` : ev.foreignFile ? `its contract; a file-scope lock of ${ev.foreignFile}, which only that file's functions can take` : 'its contract';
  const message = `\`${ev.callee}\` requires \`${ev.lock}\` ${need} (${why}), but ${now}: what the lock protects is touched while other threads may change it${reachedWhen(ev.trail, ev.range.start.line)}`;
  const f = makeFinding('unlocked-access', input, ev.range, message, `${ev.callee}:${ev.lock}`, [],
    pathOf(ev.trail, { range: ev.range, message: `\`${ev.callee}\` called without \`${ev.lock}\`` }));
  return ev.entryOnly ? { ...f, entryOnly: true } : ev.contextOnly ? { ...f, contextOnly: true } : f;
}

/** `rcu_dereference()` (or a callee that calls it outside a read section) where nothing is held. */
function readSideFinding(input: Parameters<Rule['check']>[0], ev: UnlockedCall): Finding {
  const why = ev.via && ev.via !== ev.callee ? ` (it calls \`${ev.via}\` outside one)` : '';
  const message = `\`${ev.callee}\` needs an RCU read-side section or a lock held${why}, but nothing is held here: what it reads may be freed under it${reachedWhen(ev.trail, ev.range.start.line)}`;
  const f = makeFinding('unlocked-access', input, ev.range, message, `${ev.callee}:rcu`, [],
    pathOf(ev.trail, { range: ev.range, message: `\`${ev.callee}\` called outside an RCU read section, with no lock held` }));
  return ev.contextOnly ? { ...f, contextOnly: true } : f;
}

function fieldFinding(input: Parameters<Rule['check']>[0], ev: UnlockedField): Finding {
  const verb = ev.write ? 'written' : 'read';
  const now = ev.heldShared ? `only a read hold of \`${ev.lock}\` is held here` : `\`${ev.lock}\` is not held here`;
  const message = `\`${ev.field}\` is ${verb} without its lock: the struct declares it guarded by \`${ev.lock}\`, but ${now}${reachedWhen(ev.trail, ev.range.start.line)}`;
  return makeFinding('unlocked-access', input, ev.range, message, `${ev.field}:${ev.lock}`, [],
    pathOf(ev.trail, { range: ev.range, message: `\`${ev.field}\` ${verb} without \`${ev.lock}\`` }));
}

function lookupFinding(input: Parameters<Rule['check']>[0], ev: LookupBeforeLock): Finding {
  const use = lineOf(ev.range);
  const message = `\`${ev.obj}\` is looked up by \`${ev.callee}\` with no lock held, but used under \`${ev.lock}\` at line ${use} (\`${ev.use}\`): `
    + `the table is searched outside the lock that keeps its elements alive, so another thread may remove and free the element before the lock is taken. Look it up after taking \`${ev.lock}\``;
  return makeFinding('unlocked-access', input, ev.lookupSite, message, `${ev.callee}:${ev.lock}:lookup`,
    [{ range: ev.range, message: `\`${ev.obj}\` used here under \`${ev.lock}\`` }], []);
}
