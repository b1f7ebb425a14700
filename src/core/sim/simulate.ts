// The simulator's entry point: a model (step programs from a reference protocol, or from C functions)
// + a scenario -> SimulationResult. Exhaustive search, random walks, or the replay of a given
// schedule; every phase runs under one budget (CPU time, states, memory).

import type { ProtocolModel } from '../model/program';
import { Budget, LimitReached, cpuMs, defaultMemoryBudget, fitStates } from './budget';
import type { CompiledModel } from './compile';
import { FLOW_SIZE, compileModel } from './compile';
import { protocolCosts } from './costs';
import { describeViolation } from './describe';
import { enabledSteps, explore } from './explore';
import type { PathStep, Progress } from './explore';
import { analyseModel } from './independence';
import type { ReductionFacts } from './independence';
import { leakedFlows } from './invariants';
import { minimiseSchedules } from './minimise';
import { randomWalks } from './random';
import { encodeSchedule, replay } from './schedule';
import { shortenSchedule } from './shorten';
import { snapshot } from './snapshot';
import { isDone } from './step';
import { INVARIANT_IDS } from './types';
import type { InvariantId, InvariantResult, Scenario, SearchStats, SimulationResult, Violation } from './types';

export interface SimulateOptions {
  packets: number;
  puts: number;
  /** Keys of the flows in the initial table (default: one flow, F). */
  flows?: string[];
  preemptions?: number | null;
  reduction?: boolean;
  /** Random walks instead of exhaustive search. */
  random?: { seed: number; runs: number; maxDepth?: number } | null;
  maxStates?: number;
  /** CPU time for the whole run (analysis, search, shortening, costs). */
  timeLimitMs?: number;
  /** Memory the visited states may take (default: half the machine's memory); --max-states is capped to fit. */
  memoryBytes?: number;
  /** Called about once a second (wall clock) during a long search. */
  onProgress?: (p: Progress) => void;
  progressEveryMs?: number;
  /** CPU clock in ms (tests pass their own). */
  clock?: () => number;
}

// Bounds that keep a run on a laptop: about 100 MB of visited states, one minute of CPU.
export const DEFAULT_MAX_STATES = 1_000_000;
export const DEFAULT_TIME_LIMIT_MS = 60_000;

export function scenarioOf(opts: SimulateOptions): Scenario {
  return {
    packets: opts.packets,
    puts: opts.puts,
    flows: opts.flows ?? ['F'],
    preemptions: opts.preemptions ?? null,
    reduction: opts.reduction ?? true,
  };
}

function budgetFor(m: CompiledModel, opts: SimulateOptions): { budget: Budget; notes: string[] } {
  const memory = opts.memoryBytes ?? defaultMemoryBudget();
  const fit = fitStates(opts.maxStates ?? DEFAULT_MAX_STATES, m.initial.length, memory);
  const budget = new Budget(opts.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS, fit.maxStates, memory, opts.clock);
  return { budget, notes: fit.note !== null ? [fit.note] : [] };
}

export function simulate(model: ProtocolModel, opts: SimulateOptions): SimulationResult {
  const m = compileModel(model, scenarioOf(opts));
  const { budget, notes } = budgetFor(m, opts);
  if (opts.random) {
    const r = randomWalks(m, { seed: opts.random.seed, runs: opts.random.runs, maxDepth: opts.random.maxDepth ?? 10_000, budget });
    const stats: SearchStats = {
      states: r.states,
      transitions: r.transitions,
      ms: r.ms,
      cpuMs: Math.round(budget.elapsed()),
      mode: 'random',
      reduction: false,
      complete: false,
      stoppedBecause: r.stoppedBecause,
      limit: r.stoppedBecause !== null ? 'time' : null,
      maxDepth: r.maxDepth,
      seed: opts.random.seed,
      runs: r.runsDone,
      notes,
    };
    return finish(model, m, r.found, null, stats, 0, budget);
  }
  const reduction = m.scenario.reduction && m.scenario.preemptions === null;
  const r = explore(m, { reduction, preemptions: m.scenario.preemptions, budget, onProgress: opts.onProgress, progressEveryMs: opts.progressEveryMs });
  const stats: SearchStats = {
    states: r.states,
    transitions: r.transitions,
    ms: r.ms,
    cpuMs: Math.round(r.cpuMs),
    mode: 'exhaustive',
    reduction,
    complete: r.complete,
    stoppedBecause: r.stoppedBecause,
    limit: r.limit,
    maxDepth: r.maxDepth,
    notes,
  };
  // Full enumeration (with or without a preemption bound) finds shortest schedules already.
  const exact = !reduction;
  return finish(model, m, r.found, exact ? new Set(r.found.keys()) : null, stats, r.states > 0 ? r.blockedStates / r.states : 0, budget);
}

/**
 * Shortens and minimises the schedules found (unless `exact` says they are shortest already) and
 * assembles the result. Minimising runs within what is left of the budget.
 */
function finish(model: ProtocolModel, m: CompiledModel, found: Map<InvariantId, PathStep[]>, exact: Set<InvariantId> | null, stats: SearchStats, blockedShare: number, budget: Budget): SimulationResult {
  let schedules = found;
  let proven = exact ?? new Set<InvariantId>();
  if (exact === null && found.size > 0) {
    const facts = factsWithin(m, budget);
    if (facts !== null) schedules = new Map([...found].map(([inv, path]) => [inv, shortenSchedule(m, path, inv, facts)]));
    const min = minimiseSchedules(m, schedules, budget);
    for (const [inv, path] of min.shortest) schedules.set(inv, path);
    proven = new Set(min.shortest.keys());
  }
  return assemble(model, m, schedules, proven, stats, blockedShare, budget);
}

function factsWithin(m: CompiledModel, budget: Budget): ReductionFacts | null {
  try {
    return analyseModel(m, budget);
  } catch (e) {
    if (e instanceof LimitReached) return null;
    throw e;
  }
}

/** Replays one schedule; every invariant it breaks is reported with the whole schedule. */
export function simulateReplay(model: ProtocolModel, opts: SimulateOptions, path: readonly PathStep[]): SimulationResult {
  const t0 = Date.now();
  const cpu0 = cpuMs();
  const m = compileModel(model, scenarioOf(opts));
  const rep = replay(m, path);
  const found = new Map<InvariantId, PathStep[]>();
  rep.events.forEach((evs, i) => {
    for (const e of evs) if (!found.has(e.invariant)) found.set(e.invariant, path.slice(0, i + 1));
  });
  if (enabledSteps(m, rep.final).length === 0) {
    const live = m.contexts.some((c) => !isDone(m, rep.final, c.id));
    if (live && !found.has('deadlock')) found.set('deadlock', path.slice());
    if (!live && leakedFlows(m, rep.final).length > 0 && !found.has('leak')) found.set('leak', path.slice());
  }
  const stats: SearchStats = {
    states: path.length + 1,
    transitions: path.length,
    ms: Date.now() - t0,
    cpuMs: Math.round(cpuMs() - cpu0),
    mode: 'replay',
    reduction: false,
    complete: false,
    stoppedBecause: null,
    limit: null,
    maxDepth: path.length,
    notes: [],
  };
  return assemble(model, m, found, new Set(), stats, 0, budgetFor(m, opts).budget);
}

function assemble(model: ProtocolModel, m: CompiledModel, found: Map<InvariantId, PathStep[]>, proven: ReadonlySet<InvariantId>, stats: SearchStats, blockedShare: number, budget: Budget): SimulationResult {
  const violations: Violation[] = [];
  for (const inv of INVARIANT_IDS) {
    const path = found.get(inv);
    if (path !== undefined) violations.push(buildViolation(model, m, inv, path, proven.has(inv)));
  }
  violations.sort((a, b) => a.steps.length - b.steps.length || INVARIANT_IDS.indexOf(a.invariant) - INVARIANT_IDS.indexOf(b.invariant));
  const exhaustive = stats.mode === 'exhaustive' && stats.complete;
  const verdicts: InvariantResult[] = INVARIANT_IDS.map((invariant) => ({
    invariant,
    verdict: found.has(invariant) ? 'violated' : exhaustive ? 'safe' : 'unknown',
  }));
  return {
    protocol: model.name,
    listingUri: model.listingUri,
    scenario: m.scenario,
    contexts: m.contexts.map((c) => ({ id: c.id, label: c.label, role: c.role })),
    initial: snapshot(m, m.initial),
    verdict: violations.length > 0 ? 'violated' : exhaustive ? 'safe' : 'incomplete',
    verdicts,
    violations,
    stats,
    costs: protocolCosts(model, m, blockedShare, budget),
  };
}

function buildViolation(model: ProtocolModel, m: CompiledModel, invariant: InvariantId, path: PathStep[], shortestProven: boolean): Violation {
  const rep = replay(m, path);
  const whole = invariant === 'leak' || invariant === 'deadlock';
  let at = rep.steps.length - 1;
  let context: number | null = null;
  let flow: string | null = null;
  let lock: string | null = null;
  if (!whole) {
    // The breaking step is the last one for a shortest schedule; search back to be safe.
    for (let i = rep.events.length - 1; i >= 0; i--) {
      const e = rep.events[i]!.find((x) => x.invariant === invariant);
      if (e === undefined) continue;
      at = i;
      context = e.ctx;
      flow = e.flow >= 0 ? (rep.steps[i]!.state.flows[e.flow]?.key ?? null) : null;
      lock = e.lock >= 0 ? (m.locks[e.lock]?.name ?? null) : null;
      break;
    }
  } else if (invariant === 'leak') {
    const f = leakedFlows(m, rep.final)[0];
    if (f !== undefined) flow = m.keys[rep.final[m.flowBase + f * FLOW_SIZE]!] ?? null;
  }
  const v: Violation = {
    invariant,
    message: '',
    schedule: encodeSchedule(model.name, m.scenario.packets, m.scenario.puts, path),
    steps: rep.steps,
    at,
    context,
    flow,
    lock,
    shortestProven,
  };
  v.message = describeViolation(v);
  return v;
}
