// `lockstep simulate --format json`: the SimulationResult inside the envelope every Lockstep JSON
// output has (formatVersion, tool, positions), with every line 1-based like `check` and `patch`.
// In memory (and in the editor) lines stay 0-based; only this output shifts them.

import type { SourceLoc } from '../model/types';
import { jsonEnvelope } from '../report/envelope';
import type { JsonEnvelope } from '../report/envelope';
import type { ContextSnapshot, ScheduleStep, SimulationResult, StateSnapshot } from './types';

/** The envelope (formatVersion, tool, positions: every `line` here is 1-based) and the result. */
export type SimulationJson = JsonEnvelope & SimulationResult;

const loc1 = (l: SourceLoc): SourceLoc => ({ uri: l.uri, line: l.line + 1 });
const ctx1 = (c: ContextSnapshot): ContextSnapshot => ({ ...c, location: c.location === null ? null : loc1(c.location) });
const state1 = (s: StateSnapshot): StateSnapshot => ({ ...s, contexts: s.contexts.map(ctx1) });
const step1 = (s: ScheduleStep): ScheduleStep => ({ ...s, location: loc1(s.location), state: state1(s.state) });

/** The result as JSON output: the envelope first, lines 1-based; `extra` fields (already 1-based) appended. */
export function simulationJson<T extends object>(r: SimulationResult, extra?: T): SimulationJson & T {
  return {
    ...jsonEnvelope(),
    ...r,
    initial: state1(r.initial),
    violations: r.violations.map((v) => ({ ...v, steps: v.steps.map(step1) })),
    ...(extra ?? ({} as T)),
  };
}
