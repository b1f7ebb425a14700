import { lockIdentity, normalizeLvalue } from './exprs';
import { plainName } from './lockNames';
import { trailSteps, type Trail } from './state';
import type { ExitInfo } from './explore';

/**
 * Which releases a path made, read from its trail: the engine records a release of a lock this
 * function did not take (the caller's) as a step, and a teardown (`ovs_mutex_destroy`,
 * `NdisFreeSpinLock`, a callee that destroys it) as none — so the two can be told apart after the
 * fact (inconsistent-exit; summaries that say a callee tears a lock down rather than releasing it).
 */

const RELEASED = /^`(.*)` released \(([^)]*)\)$/;
const TAKEN = /^`(.*)` taken \(/;

/** Does a lock as a message shows it (`&dp->mutex`, `gCtlLock`, `*lockp`) name this identity? */
export function showsLock(display: string, id: string): boolean {
  const want = plainName(id);
  return normalizeLvalue(display) === want || lockIdentity(display, false) === want || lockIdentity(display, true) === want;
}

/** The lock a release step shows, or undefined when the step is not a release. */
export function releasedIn(message: string): string | undefined {
  return RELEASED.exec(message)?.[1];
}

/** The last release of the lock on the path when no acquire of it follows; undefined otherwise. */
export function lastReleaseOf(trail: Trail | null, id: string): { range: Trail['range']; message: string } | undefined {
  const steps = trailSteps(trail);
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    const t = TAKEN.exec(s.message);
    if (t && showsLock(t[1]!, id)) return undefined;
    const r = releasedIn(s.message);
    if (r !== undefined && showsLock(r, id)) return s;
  }
  return undefined;
}

/** Did the path release the lock at all (rather than only tear it down)? */
export function releasesOnPath(trail: Trail | null, id: string): boolean {
  for (let c = trail; c; c = c.prev) {
    const r = releasedIn(c.message);
    if (r !== undefined && showsLock(r, id)) return true;
  }
  return false;
}

const BRANCH = /^`(.*)` is (true|false)$/;

/**
 * The sign an exit returns, when the path says it: `return ret;` after `ret < 0` was true is
 * negative (a kernel error), after it was false non-negative; a literal `0` is non-negative. A
 * negative result is also a non-zero one, so `if (ret < 0) { unlock; return ret; } return 0;`
 * splits its exits by truth too.
 */
export function returnSign(exit: ExitInfo): 'negative' | 'nonnegative' | undefined {
  const text = exit.returnText?.trim();
  if (text === undefined) return undefined;
  if (/^(0|0x0+|false|FALSE|NULL|[1-9]\d*)$/.test(text)) return 'nonnegative';
  if (/^-E[A-Z0-9]+$/.test(text) || /^-[1-9]\d*$/.test(text)) return 'negative';
  if (!/^[A-Za-z_]\w*$/.test(text)) return undefined;
  for (let c = exit.state.trail; c; c = c.prev) {
    const m = BRANCH.exec(c.message);
    if (!m) continue;
    const cond = m[1]!.replace(/\s+/g, ' ');
    const truth = m[2] === 'true';
    if (cond === `${text} < 0` || cond === `0 > ${text}`) return truth ? 'negative' : 'nonnegative';
    if (cond === `${text} >= 0` || cond === `0 <= ${text}`) return truth ? 'nonnegative' : 'negative';
  }
  return undefined;
}

/** What an exit's result is known to be: its truth, or non-zero when it is known negative. */
export function returnTruth(exit: ExitInfo): 'zero' | 'nonzero' | undefined {
  return exit.returns ?? (returnSign(exit) === 'negative' ? 'nonzero' : undefined);
}
