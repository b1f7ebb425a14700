// The simulator's entry point: a model (step programs from a reference protocol, or later from C
// functions) + a scenario -> SimulationResult. Exhaustive search, random walks, or the replay of a
// given schedule.

import type { CompiledModel } from './compile';
import { FLOW_SIZE, compileModel } from './compile';
import { protocolCosts } from './costs';
import { describeViolation } from './describe';
import type { PathStep } from './explore';
import { explore } from './explore';
import { leakedFlows } from './invariants';
import type { ProtocolModel } from '../model/program';
import { randomWalks } from './random';
import { encodeSchedule, replay } from './schedule';
import { shortenSchedule } from './shorten';
import { snapshot } from './snapshot';
import { enabledSteps } from './explore';
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
  timeLimitMs?: number;
}

// Bounds that keep a run on a laptop: about 300 MB of visited states, one minute.
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

export function simulate(model: ProtocolModel, opts: SimulateOptions): SimulationResult {
  const m = compileModel(model, scenarioOf(opts));
  const maxStates = opts.maxStates ?? DEFAULT_MAX_STATES;
  const timeLimitMs = opts.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  if (opts.random) {
    const r = randomWalks(m, { seed: opts.random.seed, runs: opts.random.runs, maxDepth: opts.random.maxDepth ?? 10_000, timeLimitMs });
    const stats: SearchStats = {
      states: r.states,
      transitions: r.transitions,
      ms: r.ms,
      mode: 'random',
      reduction: false,
      complete: false,
      stoppedBecause: r.stoppedBecause,
      maxDepth: r.maxDepth,
      seed: opts.random.seed,
      runs: r.runsDone,
    };
    return assemble(model, m, shortenAll(m, r.found), stats, 0);
  }
  const r = explore(m, { reduction: m.scenario.reduction, preemptions: m.scenario.preemptions, maxStates, timeLimitMs });
  const stats: SearchStats = {
    states: r.states,
    transitions: r.transitions,
    ms: r.ms,
    mode: 'exhaustive',
    reduction: m.scenario.reduction && m.scenario.preemptions === null,
    complete: r.complete,
    stoppedBecause: r.stoppedBecause,
    maxDepth: r.maxDepth,
  };
  // Full enumeration finds shortest schedules already; the reduced search may interleave unrelated steps.
  const found = stats.reduction ? shortenAll(m, r.found) : r.found;
  return assemble(model, m, found, stats, r.states > 0 ? r.blockedStates / r.states : 0);
}

function shortenAll(m: CompiledModel, found: Map<InvariantId, PathStep[]>): Map<InvariantId, PathStep[]> {
  return new Map([...found].map(([inv, path]) => [inv, shortenSchedule(m, path, inv)]));
}

/** Replays one schedule; every invariant it breaks is reported with the whole schedule. */
export function simulateReplay(model: ProtocolModel, opts: SimulateOptions, path: readonly PathStep[]): SimulationResult {
  const t0 = Date.now();
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
    mode: 'replay',
    reduction: false,
    complete: false,
    stoppedBecause: null,
    maxDepth: path.length,
  };
  return assemble(model, m, found, stats, 0);
}

function assemble(model: ProtocolModel, m: CompiledModel, found: Map<InvariantId, PathStep[]>, stats: SearchStats, blockedShare: number): SimulationResult {
  const violations: Violation[] = [];
  for (const inv of INVARIANT_IDS) {
    const path = found.get(inv);
    if (path !== undefined) violations.push(buildViolation(model, m, inv, path));
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
    verdict: violations.length > 0 ? 'violated' : 'safe',
    verdicts,
    violations,
    stats,
    costs: protocolCosts(model, m, blockedShare),
  };
}

function buildViolation(model: ProtocolModel, m: CompiledModel, invariant: InvariantId, path: PathStep[]): Violation {
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
  };
  v.message = describeViolation(v);
  return v;
}
