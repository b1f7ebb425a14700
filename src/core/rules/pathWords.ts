import type { PathStep, RelatedLocation } from '../findings';
import type { SourceRange } from '../source';
import { trailSteps, type Trail } from '../analysis/state';
import { capPathSteps } from '../findingCaps';

const BRANCH = /^`(.*)` is (true|false)$/;
const DEFAULT_CASE = /^`(.*)` goes to `default`$/;

/** The path as ordered steps (its middle summarised when long: capPathSteps), 1-based lines in messages are added by formatters. */
export function pathOf(trail: Trail | null, last?: { range: SourceRange; message: string }): PathStep[] {
  const steps = trailSteps(trail);
  if (last) steps.push(last);
  return capPathSteps(steps);
}

/**
 * Branch decisions on the trail after the step at `afterLine` (0-based) — the acquire, usually —
 * oldest first. Loops revisit lines, so position in the trail counts, not line numbers.
 */
export function branchesAfter(trail: Trail | null, afterLine: number): { text: string; truth: string; range: SourceRange }[] {
  const out: { text: string; truth: string; range: SourceRange }[] = [];
  const steps = trailSteps(trail);
  let from = 0;
  for (let i = steps.length - 1; i >= 0; i--) {
    if (steps[i]!.range.start.line === afterLine && !BRANCH.test(steps[i]!.message)) {
      from = i;
      break;
    }
  }
  for (const s of steps.slice(from)) {
    const m = BRANCH.exec(s.message);
    if (m) out.push({ text: m[1]!, truth: m[2]!, range: s.range });
    const d = DEFAULT_CASE.exec(s.message);
    if (d) out.push({ text: `${d[1]!}\` goes to \`default`, truth: 'taken', range: s.range });
  }
  return out;
}

/** "reached when `flow == NULL` (line 16) is true" — the decisions that lead to this point. */
export function reachedWhen(trail: Trail | null, afterLine: number, max = 2): string {
  const b = branchesAfter(trail, afterLine);
  if (b.length === 0) return '';
  const shown = b.slice(-max).map((x) => (x.truth === 'taken' ? `\`${x.text}\` (line ${x.range.start.line + 1})` : `\`${x.text}\` (line ${x.range.start.line + 1}) is ${x.truth}`));
  return `, reached when ${shown.join(' and ')}`;
}

export function branchRelated(trail: Trail | null, afterLine: number): RelatedLocation[] {
  const b = branchesAfter(trail, afterLine);
  const last = b[b.length - 1];
  return last ? [{ range: last.range, message: `branch taken: \`${last.text}\` is ${last.truth}` }] : [];
}

export function lineOf(r: SourceRange): number {
  return r.start.line + 1;
}
