// The panel's state and its reducer: every user action and every message from the extension becomes an
// Action, and reduce() is the only place the state changes. Pure (no DOM), so it is unit-tested directly,
// and the state it produces is what setState persists across a window reload.
import { MAX_PACKETS, MAX_PREEMPTIONS, MAX_PUTS } from './modelCheck';
import type { CostView, ProtocolInfo, RunProgress, RunResult, Scenario, ViolationView } from './model';

/** Playback speeds in steps per second. */
export const SPEEDS = [0.5, 1, 2, 4, 8] as const;
export const DEFAULT_SPEED = 1;

export type RunStatus =
  | { kind: 'idle' }
  | { kind: 'running'; progress: RunProgress | null; replay: boolean }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' };

export interface ViewState {
  protocols: ProtocolInfo[];
  scenario: Scenario;
  note: string | null;
  run: RunStatus;
  result: RunResult | null;
  /** Selected violation of the result. */
  violation: number;
  /** 0 = the initial state; k = the state after step k (steps[k - 1] is the current step). */
  position: number;
  playing: boolean;
  /** Index into SPEEDS. */
  speed: number;
  /** Cost counters per protocol, gathered from every run, shown side by side. */
  costs: CostView[];
}

export type Action =
  | { type: 'init'; protocols: ProtocolInfo[]; protocol: string | null; note: string | null }
  | { type: 'scenario'; patch: Partial<Scenario> }
  | { type: 'runStarted'; replay: boolean }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'result'; result: RunResult }
  | { type: 'runFailed'; message: string }
  | { type: 'cancelled' }
  | { type: 'costs'; costs: CostView[] }
  | { type: 'selectViolation'; index: number }
  | { type: 'step'; delta: number }
  | { type: 'goTo'; position: number }
  | { type: 'toStart' }
  | { type: 'toViolation' }
  | { type: 'togglePlay' }
  | { type: 'tick' }
  | { type: 'speed'; delta: number }
  | { type: 'jumpToLine'; uri: string; line: number };

export function initialState(): ViewState {
  return {
    protocols: [],
    scenario: { protocol: 'seed-workflow', packets: 2, puts: 1, preemptionBound: null },
    note: null,
    run: { kind: 'idle' },
    result: null,
    violation: 0,
    position: 0,
    playing: false,
    speed: DEFAULT_SPEED,
    costs: [],
  };
}

export function currentViolation(s: ViewState): ViolationView | null {
  return s.result?.violations[s.violation] ?? null;
}

function stepCount(s: ViewState): number {
  return currentViolation(s)?.steps.length ?? 0;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

function clampScenario(sc: Scenario): Scenario {
  return {
    protocol: sc.protocol,
    packets: clamp(Math.round(sc.packets), 1, MAX_PACKETS),
    puts: clamp(Math.round(sc.puts), 0, MAX_PUTS),
    preemptionBound: sc.preemptionBound === null ? null : clamp(Math.round(sc.preemptionBound), 0, MAX_PREEMPTIONS),
  };
}

function mergeCosts(old: CostView[], fresh: CostView[]): CostView[] {
  const byProtocol = new Map(old.map((c) => [c.protocol, c]));
  for (const c of fresh) byProtocol.set(c.protocol, c);
  return [...byProtocol.values()];
}

function sameShape(a: Scenario, b: Scenario): boolean {
  return a.packets === b.packets && a.puts === b.puts && a.preemptionBound === b.preemptionBound;
}

/** The position of the next step (after the current one, wrapping) whose line is `line` in `uri`. */
function nextStepAt(s: ViewState, uri: string, line: number): number | null {
  const v = currentViolation(s);
  if (!v) return null;
  const n = v.steps.length;
  for (let k = 1; k <= n; k++) {
    const idx = (s.position - 1 + k + n) % n; // steps[idx] is shown at position idx + 1
    const st = v.steps[idx]!;
    if (st.line === line && st.uri === uri) return idx + 1;
  }
  return null;
}

export function reduce(s: ViewState, a: Action): ViewState {
  switch (a.type) {
    case 'init': {
      const known = a.protocols.map((p) => p.id);
      let protocol = s.scenario.protocol;
      if (a.protocol && known.includes(a.protocol)) protocol = a.protocol;
      else if (!known.includes(protocol) && known.length > 0) protocol = known[0]!;
      return { ...s, protocols: a.protocols, note: a.note, scenario: { ...s.scenario, protocol } };
    }
    case 'scenario':
      return { ...s, scenario: clampScenario({ ...s.scenario, ...a.patch }) };
    case 'runStarted':
      return { ...s, run: { kind: 'running', progress: null, replay: a.replay }, playing: false };
    case 'progress':
      return s.run.kind === 'running' ? { ...s, run: { ...s.run, progress: a.progress } } : s;
    case 'result': {
      // Open a violation at its failing step: that is what the reviewer came to see.
      const first = a.result.violations[0];
      return {
        ...s,
        run: { kind: 'idle' },
        // The form shows what the result is for (a replayed schedule brings its own scenario).
        scenario: { ...a.result.scenario },
        result: a.result,
        violation: 0,
        position: first ? first.failingStep + 1 : 0,
        playing: false,
        // Costs belong to one scenario: a result for another scenario replaces them, else they add up.
        costs: s.result && sameShape(s.result.scenario, a.result.scenario) ? mergeCosts(s.costs, a.result.costs) : a.result.costs,
      };
    }
    case 'runFailed':
      return { ...s, run: { kind: 'failed', message: a.message } };
    case 'cancelled':
      return { ...s, run: { kind: 'cancelled' } };
    case 'costs':
      return { ...s, costs: mergeCosts(s.costs, a.costs) };
    case 'selectViolation': {
      const v = s.result?.violations[a.index];
      if (!v) return s;
      return { ...s, violation: a.index, position: v.failingStep + 1, playing: false };
    }
    case 'step':
      return { ...s, position: clamp(s.position + a.delta, 0, stepCount(s)), playing: false };
    case 'goTo':
      return { ...s, position: clamp(a.position, 0, stepCount(s)), playing: false };
    case 'toStart':
      return { ...s, position: 0, playing: false };
    case 'toViolation': {
      const v = currentViolation(s);
      return v ? { ...s, position: v.failingStep + 1, playing: false } : s;
    }
    case 'togglePlay': {
      if (s.playing) return { ...s, playing: false };
      const n = stepCount(s);
      if (n === 0) return s;
      // Playing from the end starts over, as a media player does.
      return { ...s, playing: true, position: s.position >= n ? 0 : s.position };
    }
    case 'tick': {
      if (!s.playing) return s;
      const n = stepCount(s);
      const position = Math.min(s.position + 1, n);
      return { ...s, position, playing: position < n };
    }
    case 'speed':
      return { ...s, speed: clamp(s.speed + a.delta, 0, SPEEDS.length - 1) };
    case 'jumpToLine': {
      const position = nextStepAt(s, a.uri, a.line);
      return position === null ? s : { ...s, position, playing: false };
    }
  }
}
