import type { ExitInfo } from '../analysis/explore';
import { lastReleaseOf, releasedIn, returnSign, returnTruth } from '../analysis/callerRelease';
import { normalizeLvalue, rootVariable, substituteParams } from '../analysis/exprs';
import { plainName } from '../analysis/lockNames';
import type { FunctionAnalysis } from '../analysis/functionAnalysis';
import { getFact } from '../analysis/state';
import type { Finding, RelatedLocation } from '../findings';
import type { SourceRange } from '../source';
import { lineOf, pathOf, reachedWhen, branchRelated } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/**
 * inconsistent-exit: a lock the caller holds is released on some exits and still held at others,
 * and nothing tells the caller which (smatch's "inconsistent returns", for the caller's locks).
 *
 * The division with the other lock rules (docs/rules/inconsistent-exit.md): a lock this function
 * takes and still holds at an exit is `lock-leak`'s; a release where this function's own acquire
 * is not held is `release-unheld`'s. This rule covers the locks `lock-leak` never sees — the
 * caller's: released without being taken here (a contract's, or none), or dropped and taken again
 * with some exit that does not take it again. Quiet when a contract says what happens to it
 * (`__releases`, `_Releases_lock_`, `OVS_RELEASES`, acquire/try contracts), when the return value
 * tells the two kinds of exit apart (the caller can branch on it), when a parameter's value does
 * (the caller chose), and when the lock's owner is NULL on the exits that keep it.
 */
export const inconsistentExit: Rule = {
  id: 'inconsistent-exit',
  check(input) {
    const a = input.analysis;
    // A partial search could miss the exits that would explain the others.
    if (a.noLockAnalysis || a.incomplete || a.truncated || a.exits.length < 2) return [];
    const out: Finding[] = [];
    for (const id of callersLocks(a)) {
      if (explainedByContract(a, id)) continue;
      const exits = a.exits.filter((e) => !ownerIsNull(e, id));
      const released: { exit: ExitInfo; release: { range: SourceRange; message: string } }[] = [];
      const kept: ExitInfo[] = [];
      let unclear = false;
      for (const e of exits) {
        const held = e.state.locks.some((l) => l.id === id);
        const release = held ? undefined : lastReleaseOf(e.state.trail, id);
        if (release) released.push({ exit: e, release });
        else if (!held && e.state.releasedFromCaller.includes(id)) unclear = true; // torn down (destroy), not released
        else kept.push(e);
      }
      if (unclear || released.length === 0 || kept.length === 0) continue;
      if (splitByReturn(released.map((r) => r.exit), kept) || splitByParameter(a, released.map((r) => r.exit), kept)) continue;
      out.push(finding(input, a, id, released, kept));
    }
    return out;
  },
};

/**
 * The caller's locks this function touches: released without being taken here (so the caller held
 * them), and — when the body releases one before any acquire of it can run and takes it again —
 * those too (functionAnalysis.ts keeps them in `expectedHeld` with an inferred `requires`).
 */
function callersLocks(a: FunctionAnalysis): string[] {
  const acquired = new Set(a.acquired);
  const ids = new Set<string>();
  for (const e of a.exits) for (const id of e.state.releasedFromCaller) if (!acquired.has(id)) ids.add(id);
  for (const e of a.inferred) {
    if (e.op !== 'requires' || e.source !== 'inferred' || e.needed) continue;
    const text = substituteParams(e.lock, a.fn.params);
    if (!text) continue;
    const id = [...a.expectedHeld].find((x) => x === text || plainName(x) === plainName(text));
    if (id && acquired.has(id)) ids.add(id);
  }
  return [...ids];
}

function explainedByContract(a: FunctionAnalysis, id: string): boolean {
  const effects = [...a.contract, ...a.inferred.filter((e) => e.source === 'annotation')];
  return effects.some((e) => {
    if (e.op !== 'release' && e.op !== 'acquire' && e.op !== 'try') return false;
    const text = substituteParams(e.lock, a.fn.params);
    return text !== null && plainName(normalizeLvalue(text)) === plainName(id);
  }) || a.inferred.some((e) => (e.op === 'acquire' || e.op === 'try') && plainName(substituteParams(e.lock, a.fn.params) ?? '') === plainName(id));
}

/** `if (p) spin_unlock(&p->lock)`: on exits where the lock's owner is NULL there was nothing to release. */
function ownerIsNull(e: ExitInfo, id: string): boolean {
  const root = rootVariable(plainName(id));
  return root !== null && getFact(e.state, root) === 'zero';
}

/** The return value tells the caller which kind of exit it got (`return -ENODEV` only after dropping the lock). */
function splitByReturn(released: ExitInfo[], kept: ExitInfo[]): boolean {
  const r = new Set(released.map((e) => returnTruth(e) ?? '?'));
  const k = new Set(kept.map((e) => returnTruth(e) ?? '?'));
  if (r.size === 1 && k.size === 1 && !r.has('?') && !k.has('?') && [...r][0] !== [...k][0]) return true;
  // Negative on one side, zero or positive on the other (`if (ret < 0) { unlock; return ret; }`).
  const rs = new Set(released.map((e) => returnSign(e) ?? '?'));
  const ks = new Set(kept.map((e) => returnSign(e) ?? '?'));
  if (rs.size === 1 && ks.size === 1 && !rs.has('?') && !ks.has('?') && [...rs][0] !== [...ks][0]) return true;
  // Every exit of one kind fails with an error code and none of the other does.
  const failing = (e: ExitInfo): boolean => e.failing === true;
  return (released.every(failing) && !kept.some(failing)) || (kept.every(failing) && !released.some(failing));
}

/** A flag the caller passes decides it (`if (unlock) spin_unlock(...)`): the caller knows which it asked for. */
function splitByParameter(a: FunctionAnalysis, released: ExitInfo[], kept: ExitInfo[]): boolean {
  return a.fn.params.some((p) => {
    if (!p) return false;
    const r = new Set(released.map((e) => getFact(e.state, p) ?? '?'));
    const k = new Set(kept.map((e) => getFact(e.state, p) ?? '?'));
    return r.size === 1 && k.size === 1 && !r.has('?') && !k.has('?') && [...r][0] !== [...k][0];
  });
}

function exitWords(a: FunctionAnalysis, e: ExitInfo): string {
  return e.isReturn ? `the return on line ${lineOf(e.range)}` : `the end of \`${a.fn.name}\` (line ${lineOf(e.range)})`;
}

function finding(input: Parameters<Rule['check']>[0], a: FunctionAnalysis, id: string, released: { exit: ExitInfo; release: { range: SourceRange; message: string } }[], kept: ExitInfo[]): Finding {
  const first = released[0]!;
  const other = kept[0]!;
  const display = releasedIn(first.release.message) ?? plainName(id);
  const message = `\`${display}\`, which the caller holds, is released at line ${lineOf(first.release.range)} before ${exitWords(a, first.exit)}`
    + `${reachedWhen(first.exit.state.trail, 0)}, but still held at ${exitWords(a, other)}${reachedWhen(other.state.trail, 0)}:`
    + ' the caller cannot tell from the result whether it still holds it';
  const related: RelatedLocation[] = [
    { range: other.range, message: `returns with \`${display}\` still held` },
    ...branchRelated(other.state.trail, 0).map((r) => ({ ...r, message: `${r.message} (the exit that keeps it)` })),
    { range: first.exit.range, message: `returns with \`${display}\` released` },
    ...released.slice(1, 4).map((r) => ({ range: r.release.range, message: `also released here before ${exitWords(a, r.exit)}` })),
    ...kept.slice(1, 4).map((e) => ({ range: e.range, message: `also returns with \`${display}\` held` })),
  ];
  const path = [
    ...pathOf(first.exit.state.trail, { range: first.exit.range, message: `exit with \`${display}\` released` }),
    ...pathOf(other.state.trail, { range: other.range, message: `exit with \`${display}\` still held` }).map((s) => ({ ...s, message: `other exit: ${s.message}` })),
  ];
  const occurrences = [...new Map(released.slice(1).map((r) => [`${r.release.range.start.line}:${r.release.range.start.column}`, r.release.range])).values()];
  return makeFinding('inconsistent-exit', input, first.release.range, message, id, related, path, occurrences);
}
