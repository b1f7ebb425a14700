import type { Finding, PathStep } from './findings';

/**
 * Bounds on what one finding and one function may print. A function of alternating lock/unlock
 * branches has paths as long as the function and findings as many as its branches, so the report
 * grew with the square of its size (72 KB of C printed 105 MB; 291 KB aborted V8). The start and the
 * end of a path say what happened; the middle is summarised in one step.
 */
export const PATH_HEAD_STEPS = 12;
export const PATH_TAIL_STEPS = 12;
/** Findings reported per function; the rest are counted in one note. */
export const MAX_FINDINGS_PER_FUNCTION = 50;

/** The path with its middle replaced by one `… N steps …` step when it is longer than head + tail + 1. */
export function capPathSteps(steps: PathStep[]): PathStep[] {
  if (steps.length <= PATH_HEAD_STEPS + PATH_TAIL_STEPS + 1) return steps;
  const hidden = steps.length - PATH_HEAD_STEPS - PATH_TAIL_STEPS;
  const first = steps[PATH_HEAD_STEPS]!;
  const marker: PathStep = { ...(first.uri !== undefined ? { uri: first.uri } : {}), range: first.range, message: `… ${hidden.toLocaleString('en-US')} steps not shown …` };
  return [...steps.slice(0, PATH_HEAD_STEPS), marker, ...steps.slice(steps.length - PATH_TAIL_STEPS)];
}

/** A function whose findings were cut to MAX_FINDINGS_PER_FUNCTION. */
export interface HiddenFindings {
  uri: string;
  functionName: string;
  hidden: number;
}

/**
 * At most `max` findings per function (the first ones in report order) with capped paths, and how
 * many were left out where. Findings must be sorted (compareFindings) for a stable choice.
 */
export function capFindings(findings: readonly Finding[], max = MAX_FINDINGS_PER_FUNCTION): { findings: Finding[]; hidden: HiddenFindings[] } {
  const perFunction = new Map<string, number>();
  const hidden = new Map<string, HiddenFindings>();
  const kept: Finding[] = [];
  for (const f of findings) {
    const key = `${f.uri}\u0000${f.functionName}`;
    const n = (perFunction.get(key) ?? 0) + 1;
    perFunction.set(key, n);
    if (n <= max) {
      kept.push(f.path.length > PATH_HEAD_STEPS + PATH_TAIL_STEPS + 1 ? { ...f, path: capPathSteps(f.path) } : f);
    } else {
      const h = hidden.get(key) ?? { uri: f.uri, functionName: f.functionName, hidden: 0 };
      h.hidden++;
      hidden.set(key, h);
    }
  }
  return { findings: kept, hidden: [...hidden.values()] };
}
