import { lockIdentity, normalizeLvalue } from './exprs';
import { plainName } from './lockNames';
import { trailSteps, type Trail } from './state';

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
