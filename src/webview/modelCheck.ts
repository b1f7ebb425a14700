// Field-by-field checks of the view model. Used for results arriving from the extension and for state a
// previous build saved with setState: neither is trusted blindly, since a stale shape would break rendering.
import { arr, bool, int, nullable, num, oneOf, rec, str } from './check';
import type {
  ContextInfo, ContextStateView, CostView, FlowView, InvariantVerdict, LockView, ProtocolInfo, RunProgress,
  RunResult, RunStats, Scenario, StateView, StepView, ViolationView,
} from './model';

export const MAX_PACKETS = 8;
export const MAX_PUTS = 8;
export const MAX_PREEMPTIONS = 20;
const MAX_LINE = 1_000_000;

export function checkScenario(v: unknown, p: string): Scenario {
  const r = rec(v, p);
  return {
    protocol: str(r.protocol, `${p}.protocol`, 200),
    packets: int(r.packets, `${p}.packets`, 1, MAX_PACKETS),
    puts: int(r.puts, `${p}.puts`, 0, MAX_PUTS),
    preemptionBound: nullable(r.preemptionBound, `${p}.preemptionBound`, (x, q) => int(x, q, 0, MAX_PREEMPTIONS)),
  };
}

export function checkProtocolInfo(v: unknown, p: string): ProtocolInfo {
  const r = rec(v, p);
  return {
    id: str(r.id, `${p}.id`, 200),
    title: str(r.title, `${p}.title`, 500),
    summary: str(r.summary, `${p}.summary`),
    listingUri: str(r.listingUri, `${p}.listingUri`, 2000),
  };
}

function checkLock(v: unknown, p: string): LockView {
  const r = rec(v, p);
  return {
    name: str(r.name, `${p}.name`),
    kind: oneOf(r.kind, `${p}.kind`, ['rw', 'mutex', 'rcu'] as const),
    mode: oneOf(r.mode, `${p}.mode`, ['free', 'read', 'write'] as const),
    holders: arr(r.holders, `${p}.holders`, (x, q) => str(x, q)),
    waiters: arr(r.waiters, `${p}.waiters`, (x, q) => {
      const w = rec(x, q);
      return { context: str(w.context, `${q}.context`), mode: oneOf(w.mode, `${q}.mode`, ['read', 'write'] as const) };
    }),
  };
}

function checkFlow(v: unknown, p: string): FlowView {
  const r = rec(v, p);
  return {
    name: str(r.name, `${p}.name`),
    refcount: int(r.refcount, `${p}.refcount`, -1_000_000, 1_000_000),
    flag: str(r.flag, `${p}.flag`),
    freed: bool(r.freed, `${p}.freed`),
    linked: bool(r.linked, `${p}.linked`),
    retired: bool(r.retired, `${p}.retired`),
  };
}

function checkContextState(v: unknown, p: string): ContextStateView {
  const r = rec(v, p);
  return {
    context: str(r.context, `${p}.context`),
    status: oneOf(r.status, `${p}.status`, ['ready', 'blocked', 'done'] as const),
    waitsFor: nullable(r.waitsFor, `${p}.waitsFor`, (x, q) => str(x, q)),
    locals: arr(r.locals, `${p}.locals`, (x, q) => {
      const l = rec(x, q);
      return { name: str(l.name, `${q}.name`), value: str(l.value, `${q}.value`) };
    }),
    next: str(r.next, `${p}.next`),
    nextLine: nullable(r.nextLine, `${p}.nextLine`, (x, q) => int(x, q, 0, MAX_LINE)),
  };
}

export function checkState(v: unknown, p: string): StateView {
  const r = rec(v, p);
  return {
    locks: arr(r.locks, `${p}.locks`, checkLock),
    flows: arr(r.flows, `${p}.flows`, checkFlow),
    table: arr(r.table, `${p}.table`, (x, q) => str(x, q)),
    contexts: arr(r.contexts, `${p}.contexts`, checkContextState),
  };
}

function checkContextInfo(v: unknown, p: string): ContextInfo {
  const r = rec(v, p);
  return {
    id: str(r.id, `${p}.id`, 100),
    label: str(r.label, `${p}.label`, 200),
    kind: oneOf(r.kind, `${p}.kind`, ['packet', 'put'] as const),
  };
}

function checkStep(v: unknown, p: string, contexts: number): StepView {
  const r = rec(v, p);
  return {
    context: int(r.context, `${p}.context`, 0, Math.max(0, contexts - 1)),
    instruction: str(r.instruction, `${p}.instruction`),
    effect: str(r.effect, `${p}.effect`),
    broke: arr(r.broke, `${p}.broke`, (x, q) => str(x, q, 200), 20),
    uri: str(r.uri, `${p}.uri`, 2000),
    line: int(r.line, `${p}.line`, 0, MAX_LINE),
    state: checkState(r.state, `${p}.state`),
  };
}

function checkViolation(v: unknown, p: string): ViolationView {
  const r = rec(v, p);
  const contexts = arr(r.contexts, `${p}.contexts`, checkContextInfo, 64);
  const steps = arr(r.steps, `${p}.steps`, (x, q) => checkStep(x, q, contexts.length));
  return {
    invariant: str(r.invariant, `${p}.invariant`, 200),
    message: str(r.message, `${p}.message`),
    schedule: str(r.schedule, `${p}.schedule`),
    contexts,
    initial: checkState(r.initial, `${p}.initial`),
    steps,
    failingStep: int(r.failingStep, `${p}.failingStep`, 0, Math.max(0, steps.length - 1)),
  };
}

function checkInvariant(v: unknown, p: string, violations: number): InvariantVerdict {
  const r = rec(v, p);
  return {
    id: str(r.id, `${p}.id`, 200),
    verdict: oneOf(r.verdict, `${p}.verdict`, ['safe', 'violated', 'unknown'] as const),
    violation: nullable(r.violation, `${p}.violation`, (x, q) => int(x, q, 0, Math.max(0, violations - 1))),
  };
}

export function checkCost(v: unknown, p: string): CostView {
  const r = rec(v, p);
  return {
    protocol: str(r.protocol, `${p}.protocol`, 200),
    counters: arr(r.counters, `${p}.counters`, (x, q) => {
      const c = rec(x, q);
      return { name: str(c.name, `${q}.name`, 200), value: num(c.value, `${q}.value`) };
    }),
  };
}

function checkStats(v: unknown, p: string): RunStats {
  const r = rec(v, p);
  return {
    states: int(r.states, `${p}.states`, 0, Number.MAX_SAFE_INTEGER),
    transitions: int(r.transitions, `${p}.transitions`, 0, Number.MAX_SAFE_INTEGER),
    ms: num(r.ms, `${p}.ms`),
    exhaustive: bool(r.exhaustive, `${p}.exhaustive`),
    mode: oneOf(r.mode, `${p}.mode`, ['exhaustive', 'random', 'replay'] as const),
    stoppedBecause: nullable(r.stoppedBecause, `${p}.stoppedBecause`, (x, q) => str(x, q)),
  };
}

export function checkProgress(v: unknown, p: string): RunProgress {
  const r = rec(v, p);
  const count = (x: unknown, q: string): number => int(x, q, 0, Number.MAX_SAFE_INTEGER);
  return {
    states: nullable(r.states, `${p}.states`, count),
    transitions: nullable(r.transitions, `${p}.transitions`, count),
    ms: num(r.ms, `${p}.ms`),
  };
}

export function checkResult(v: unknown, p: string): RunResult {
  const r = rec(v, p);
  const violations = arr(r.violations, `${p}.violations`, checkViolation, 100);
  return {
    protocol: str(r.protocol, `${p}.protocol`, 200),
    scenario: checkScenario(r.scenario, `${p}.scenario`),
    verdict: oneOf(r.verdict, `${p}.verdict`, ['safe', 'violated', 'incomplete'] as const),
    invariants: arr(r.invariants, `${p}.invariants`, (x, q) => checkInvariant(x, q, violations.length), 100),
    violations,
    stats: checkStats(r.stats, `${p}.stats`),
    costs: arr(r.costs, `${p}.costs`, checkCost, 100),
    replayOf: nullable(r.replayOf, `${p}.replayOf`, (x, q) => str(x, q)),
  };
}
