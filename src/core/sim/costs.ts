// The price side of a protocol: what one packet and one put cost when alone (steps, lock and write-lock
// acquisitions), how often contexts wait in a round-robin run of the scenario, and how many explored
// states have someone waiting.

import type { Budget } from './budget';
import type { CompiledModel } from './compile';
import { C_PC, compileModel } from './compile';
import { enabledSteps } from './explore';
import type { PathStep } from './explore';
import { execute } from './step';
import type { ProtocolModel } from '../model/program';
import type { ContextCost, ProtocolCosts, Scenario } from './types';

type Model = ProtocolModel;

function countRun(m: CompiledModel, pick: (steps: PathStep[], last: number) => PathStep | undefined, limit: number, budget: Pick<Budget, 'timeUp'>): { cost: ContextCost; waits: number; packetSteps: number } {
  const cost: ContextCost = { steps: 0, lockAcquisitions: 0, writeLockAcquisitions: 0, rcuReadSections: 0 };
  let waits = 0;
  let packetSteps = 0;
  let s = m.initial;
  let last = -1;
  for (let i = 0; i < limit; i++) {
    if ((i & 1023) === 1023 && budget.timeUp()) break;
    const step = pick(enabledSteps(m, s), last);
    if (step === undefined) break;
    const c = m.contexts[step.ctx]!;
    const code = c.program.code[s[c.base + C_PC]!]!;
    const out = execute(m, s, step.ctx, step.choice < 0 ? -1 : 0, false);
    cost.steps++;
    if (c.role === 'packet') packetSteps++;
    if (out.waited) waits++;
    // Count an acquisition once, when it is granted (not when the context starts waiting).
    if (code.src.op === 'acquire' && !out.waited) {
      if (m.lockKinds[code.lock] === 'rcu') cost.rcuReadSections++;
      else {
        cost.lockAcquisitions++;
        if (code.write || m.lockKinds[code.lock] === 'mutex') cost.writeLockAcquisitions++;
      }
    }
    s = out.next;
    last = step.ctx;
  }
  return { cost, waits, packetSteps };
}

function alone(model: Model, scenario: Scenario, role: 'packet' | 'put', budget: Pick<Budget, 'timeUp'>): ContextCost {
  const m = compileModel(model, { ...scenario, packets: role === 'packet' ? 1 : 0, puts: role === 'put' ? 1 : 0 });
  // Always the fall-through branch of a nondeterministic choice: the common path.
  return countRun(m, (steps) => steps[0], 10_000, budget).cost;
}

/** The costs; runs that the time limit cuts short count what they did until then. */
export function protocolCosts(model: Model, m: CompiledModel, blockedStateShare: number, budget: Pick<Budget, 'timeUp'> = { timeUp: () => false }): ProtocolCosts {
  const rr = countRun(
    m,
    (steps, last) => steps.find((s) => s.ctx > last) ?? steps[0],
    100_000,
    budget,
  );
  const packets = Math.max(1, m.scenario.packets);
  return {
    perPacket: alone(model, m.scenario, 'packet', budget),
    perPut: alone(model, m.scenario, 'put', budget),
    roundRobinWaits: rr.waits,
    roundRobinStepsPerPacket: Math.round((rr.packetSteps / packets) * 10) / 10,
    blockedStateShare: Math.round(blockedStateShare * 1000) / 1000,
  };
}
