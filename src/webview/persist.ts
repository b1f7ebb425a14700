// Restoring the state a previous session saved with setState (or handed to the serializer). A saved state
// from another build may not match today's shape: each part is checked, and a part that fails is dropped
// rather than rendered half-broken.
import { ShapeError, arr, int, nullable, rec, str } from './check';
import { checkCost, checkProtocolInfo, checkResult, checkScenario } from './modelCheck';
import { SPEEDS, initialState, type ViewState } from './state';

export const STATE_VERSION = 1;

export interface Saved {
  version: number;
  state: ViewState;
}

function attempt<T>(f: () => T, fallback: T, problems: string[]): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ShapeError) {
      problems.push(e.message);
      return fallback;
    }
    throw e;
  }
}

/** The view state inside a saved value, with every part that fails its check reset; never throws. */
export function restoreState(saved: unknown): { state: ViewState; problems: string[] } {
  const problems: string[] = [];
  const base = initialState();
  if (typeof saved !== 'object' || saved === null) return { state: base, problems };
  const outer = saved as Record<string, unknown>;
  if (outer.version !== STATE_VERSION) {
    problems.push(`saved state version ${String(outer.version)} is not ${STATE_VERSION}`);
    return { state: base, problems };
  }
  const s = attempt(() => rec(outer.state, 'state'), null, problems);
  if (!s) return { state: base, problems };

  const scenario = attempt(() => checkScenario(s.scenario, 'state.scenario'), base.scenario, problems);
  const result = attempt(() => nullable(s.result, 'state.result', checkResult), null, problems);
  const violations = result?.violations.length ?? 0;
  const violation = attempt(() => int(s.violation, 'state.violation', 0, Math.max(0, violations - 1)), 0, problems);
  const steps = result?.violations[violation]?.steps.length ?? 0;
  return {
    problems,
    state: {
      ...base,
      protocols: attempt(() => arr(s.protocols, 'state.protocols', checkProtocolInfo, 200), [], problems),
      scenario,
      note: attempt(() => nullable(s.note, 'state.note', (x, p) => str(x, p)), null, problems),
      result,
      violation,
      position: attempt(() => int(s.position, 'state.position', 0, steps), 0, problems),
      speed: attempt(() => int(s.speed, 'state.speed', 0, SPEEDS.length - 1), base.speed, problems),
      costs: attempt(() => arr(s.costs, 'state.costs', checkCost, 100), [], problems),
    },
  };
}

export function toSaved(state: ViewState): Saved {
  return { version: STATE_VERSION, state: { ...state, run: { kind: 'idle' }, playing: false } };
}
