// Turns the core's SimulationResult (src/core/sim/types.ts) into the panel's view model
// (src/webview/model.ts). Done once on the extension side, so the browser code depends only on its own,
// checked shape. Pure: no vscode import, unit-tested with plain objects.
import type {
  ContextSnapshot, LockSnapshot, ProtocolCosts, ProtocolInfo as CoreProtocolInfo, ScheduleStep, SimulationResult,
  StateSnapshot, Violation,
} from '../../core/sim/types';
import type {
  ContextInfo, ContextStateView, CostView, LockView, ProtocolInfo, RunResult, Scenario, StateView, StepView, ViolationView,
} from '../../webview/model';

export function contextId(id: number): string {
  return `c${id}`;
}

function lockView(l: LockSnapshot): LockView {
  const holders = l.writer !== null ? [contextId(l.writer)] : l.readers.map(contextId);
  const mode = l.writer !== null ? 'write' : l.readers.length > 0 ? 'read' : 'free';
  return {
    name: l.name,
    kind: l.kind,
    mode,
    holders,
    waiters: [
      ...l.waitingWriters.map((c) => ({ context: contextId(c), mode: 'write' as const })),
      ...l.waitingReaders.map((c) => ({ context: contextId(c), mode: 'read' as const })),
    ],
  };
}

function registerText(v: string | number | null): string {
  return v === null ? 'NULL' : String(v);
}

function contextView(c: ContextSnapshot): ContextStateView {
  return {
    context: contextId(c.id),
    status: c.status,
    waitsFor: c.status === 'blocked' ? c.blockedReason : null,
    locals: Object.entries(c.registers).map(([name, v]) => ({ name, value: registerText(v) })),
    next: c.status === 'done' ? '' : c.instruction,
    nextLine: c.status === 'done' ? null : c.location?.line ?? null,
  };
}

export function stateView(s: StateSnapshot): StateView {
  return {
    locks: s.locks.map(lockView),
    flows: s.flows.map((f) => ({ name: f.key, refcount: f.refcount, flag: f.flag, freed: f.freed, linked: f.linked, retired: f.retired })),
    table: s.flows.filter((f) => f.linked).map((f) => f.key),
    contexts: s.contexts.map(contextView),
  };
}

function stepView(s: ScheduleStep, index: Map<number, number>): StepView {
  return {
    context: index.get(s.context) ?? 0,
    instruction: s.instruction,
    effect: s.effect,
    broke: [...s.violations],
    uri: s.location.uri,
    line: s.location.line,
    state: stateView(s.state),
  };
}

function violationView(v: Violation, contexts: ContextInfo[], index: Map<number, number>, initial: StateView): ViolationView {
  return {
    invariant: v.invariant,
    message: v.message,
    schedule: v.schedule,
    contexts,
    initial,
    steps: v.steps.map((s) => stepView(s, index)),
    failingStep: Math.max(0, Math.min(v.at, v.steps.length - 1)),
  };
}

const percent = (x: number): number => Math.round(x * 1000) / 10;

/**
 * Cost counters as `group: name` (the panel puts a group's counters in one column, `13 · 2 · 1`, under
 * a legend of their names), short enough for a beside-the-code column.
 */
export function costView(protocol: string, c: ProtocolCosts): CostView {
  return {
    protocol,
    counters: [
      { name: 'per packet: steps', value: c.perPacket.steps },
      { name: 'per packet: locks', value: c.perPacket.lockAcquisitions },
      { name: 'per packet: write locks', value: c.perPacket.writeLockAcquisitions },
      { name: 'per packet: RCU sections', value: c.perPacket.rcuReadSections },
      { name: 'per put: steps', value: c.perPut.steps },
      { name: 'per put: locks', value: c.perPut.lockAcquisitions },
      { name: 'per put: write locks', value: c.perPut.writeLockAcquisitions },
      { name: 'round-robin run: waits', value: c.roundRobinWaits },
      { name: 'round-robin run: steps per packet', value: c.roundRobinStepsPerPacket },
      { name: 'explored states: % waiting', value: percent(c.blockedStateShare) },
    ],
  };
}

export function scenarioView(r: SimulationResult): Scenario {
  return { protocol: r.protocol, packets: r.scenario.packets, puts: r.scenario.puts, preemptionBound: r.scenario.preemptions };
}

export function resultView(r: SimulationResult, replayOf: string | null = null): RunResult {
  const contexts: ContextInfo[] = r.contexts.map((c) => ({ id: contextId(c.id), label: c.label, kind: c.role }));
  const index = new Map(r.contexts.map((c, i) => [c.id, i]));
  const initial = stateView(r.initial);
  const violations = r.violations.map((v) => violationView(v, contexts, index, initial));
  return {
    protocol: r.protocol,
    scenario: scenarioView(r),
    verdict: r.verdict,
    invariants: r.verdicts.map((v) => {
      const at = r.violations.findIndex((x) => x.invariant === v.invariant);
      return { id: v.invariant, verdict: v.verdict, violation: at >= 0 ? at : null };
    }),
    violations,
    stats: {
      states: r.stats.states,
      transitions: r.stats.transitions,
      ms: r.stats.ms,
      exhaustive: r.stats.complete,
      mode: r.stats.mode,
      stoppedBecause: r.stats.stoppedBecause,
    },
    costs: [costView(r.protocol, r.costs)],
    replayOf,
  };
}

export function protocolView(p: CoreProtocolInfo): ProtocolInfo {
  return { id: p.name, title: p.title, summary: p.summary, listingUri: p.listingUri };
}
