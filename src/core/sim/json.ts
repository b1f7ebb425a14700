// `lockstep simulate --format json`: the SimulationResult inside the envelope every Lockstep JSON
// output has (formatVersion, tool, positions), with every line 1-based like `check` and `patch`.
// In memory (and in the editor) lines stay 0-based; only this output shifts them.

import { VERSION } from '../version';
import type { SourceLoc } from '../model/types';
import type { ContextSnapshot, ScheduleStep, SimulationResult, StateSnapshot } from './types';

/** Bumped when the shape of `simulate --format json` changes incompatibly. */
export const SIMULATE_JSON_FORMAT_VERSION = 1;

export interface SimulationJson extends SimulationResult {
  formatVersion: number;
  tool: { name: 'lockstep'; version: string };
  /** Every `line` in this document is 1-based. */
  positions: '1-based';
}

const loc1 = (l: SourceLoc): SourceLoc => ({ uri: l.uri, line: l.line + 1 });
const ctx1 = (c: ContextSnapshot): ContextSnapshot => ({ ...c, location: c.location === null ? null : loc1(c.location) });
const state1 = (s: StateSnapshot): StateSnapshot => ({ ...s, contexts: s.contexts.map(ctx1) });
const step1 = (s: ScheduleStep): ScheduleStep => ({ ...s, location: loc1(s.location), state: state1(s.state) });

/** The result as JSON output: the envelope first, lines 1-based; `extra` fields (already 1-based) appended. */
export function simulationJson<T extends object>(r: SimulationResult, extra?: T): SimulationJson & T {
  return {
    formatVersion: SIMULATE_JSON_FORMAT_VERSION,
    tool: { name: 'lockstep', version: VERSION },
    positions: '1-based',
    ...r,
    initial: state1(r.initial),
    violations: r.violations.map((v) => ({ ...v, steps: v.steps.map(step1) })),
    ...(extra ?? ({} as T)),
  };
}
