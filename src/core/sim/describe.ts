// A violation in plain words, from its schedule alone (pure: the webview calls it too).

import type { ScheduleStep, StateSnapshot, Violation } from './types';

const VERB: Record<string, string> = {
  use: 'uses',
  lookup: 'walks the table over',
  unlink: 'unlinks',
  refAtomic: 'changes the refcount of',
  refStore: 'writes the refcount of',
  refLoad: 'reads the refcount of',
  flagRead: 'reads the flag of',
  flagWrite: 'writes the flag of',
  jump: 'reads',
  free: 'frees',
};

/** Label of the context whose step first made `test` true for flow `key`, or "someone". */
function firstToMake(steps: readonly ScheduleStep[], upTo: number, key: string, test: (f: StateSnapshot['flows'][number]) => boolean): string {
  for (let i = 0; i <= upTo && i < steps.length; i++) {
    if (steps[i]!.state.flows.some((f) => f.key === key && test(f))) return steps[i]!.contextLabel;
  }
  return 'someone';
}

export function describeViolation(v: Pick<Violation, 'invariant' | 'steps' | 'at' | 'flow' | 'lock' | 'context'>): string {
  const step = v.at >= 0 ? v.steps[v.at] : undefined;
  const who = step?.contextLabel ?? 'a context';
  const flow = v.flow ?? '?';
  const final = v.steps[v.steps.length - 1]?.state;
  switch (v.invariant) {
    case 'use-after-free': {
      const freer = firstToMake(v.steps, v.at - 1, flow, (f) => f.freed);
      return `use after free: ${who} ${VERB[step?.op ?? 'use'] ?? 'touches'} flow ${flow} after ${freer} freed it`;
    }
    case 'double-free': {
      const freer = firstToMake(v.steps, v.at - 1, flow, (f) => f.freed);
      return `double free: ${who} frees flow ${flow}, which ${freer} had already freed`;
    }
    case 'negative-refcount': {
      const rc = step?.state.flows.find((f) => f.key === flow)?.refcount;
      return `negative refcount: ${who} takes the refcount of flow ${flow} to ${rc ?? 'below 0'}`;
    }
    case 'leak': {
      const bad = (final?.flows ?? []).filter((f) => f.linked === f.freed);
      return `leak: ${bad.map((f) => (f.freed ? `flow ${f.key} was freed while still linked in the table` : `flow ${f.key} was unlinked but never freed`)).join('; ') || 'a flow was not released'} when every context had finished`;
    }
    case 'deadlock': {
      const blocked = (final?.contexts ?? []).filter((c) => c.status === 'blocked');
      return `deadlock: ${blocked.map((c) => `${c.label} ${c.blockedReason ?? 'waits'}`).join('; ') || 'no context can move'}`;
    }
    case 'lock-discipline':
      return `lock discipline: ${who} releases ${v.lock ?? 'a lock'}, which it does not hold`;
    case 'stale-lookup': {
      // The lookup that found it: the breaking context's last lookup before the use.
      let found = -1;
      for (let i = v.at - 1; i >= 0 && found < 0; i--) if (v.steps[i]!.op === 'lookup' && v.steps[i]!.contextLabel === who) found = i;
      const atLookup = found >= 0 ? v.steps[found]!.state.flows.find((f) => f.key === flow) : undefined;
      const verb = VERB[step?.op ?? 'use'] ?? 'uses';
      if (atLookup !== undefined && !atLookup.retired && atLookup.flag === 'INACTIVE') {
        return `stale lookup: ${who} ${verb} flow ${flow}, which its lookup returned while it was marked INACTIVE`;
      }
      const deleter = firstToMake(v.steps, found >= 0 ? found : v.at - 1, flow, (f) => f.retired);
      return `stale lookup: ${who} ${verb} flow ${flow}, which its lookup returned after ${deleter} had finished deleting it`;
    }
  }
}
