// Cross-check of the search against a naive one: for every protocol and variant at 2x1 and 2x2, breadth-first
// enumeration of every interleaving with no reduction, no shortening and a plain string-keyed visited
// set gives, per invariant, whether it breaks and the length of its shortest schedule. The simulator
// (partial-order reduction, then shortening and minimising) must report exactly the same.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findProtocol, listProtocols, protocolModel } from '../../src/core/flowtable/protocols/index';
import type { ProtocolModel } from '../../src/core/model/program';
import { compileModel } from '../../src/core/sim/compile';
import { enabledSteps } from '../../src/core/sim/explore';
import { leakedFlows } from '../../src/core/sim/invariants';
import { scenarioOf, simulate } from '../../src/core/sim/simulate';
import { execute, isDone } from '../../src/core/sim/step';
import { INVARIANT_IDS } from '../../src/core/sim/types';
import type { InvariantId } from '../../src/core/sim/types';

/** Shortest schedule length per broken invariant, by plain breadth-first enumeration. */
function naive(model: ProtocolModel, packets: number, puts: number): Map<InvariantId, number> {
  const m = compileModel(model, scenarioOf({ packets, puts }));
  const shortest = new Map<InvariantId, number>();
  const meet = (inv: InvariantId, length: number): void => {
    if (!shortest.has(inv)) shortest.set(inv, length);
  };
  const seen = new Set<string>([m.initial.join(',')]);
  let level: number[][] = [m.initial];
  for (let depth = 0; level.length > 0; depth++) {
    const next: number[][] = [];
    for (const s of level) {
      const steps = enabledSteps(m, s);
      if (steps.length === 0) {
        if (m.contexts.some((c) => !isDone(m, s, c.id))) meet('deadlock', depth);
        else if (leakedFlows(m, s).length > 0) meet('leak', depth);
      }
      for (const step of steps) {
        const r = execute(m, s, step.ctx, step.choice, false);
        for (const e of r.events) meet(e.invariant, depth + 1);
        const key = r.next.join(',');
        if (seen.has(key)) continue;
        seen.add(key);
        next.push(r.next);
      }
    }
    level = next;
  }
  return shortest;
}

/** Every protocol, and every variant of those with parameters. */
function allNames(): string[] {
  return listProtocols().flatMap((info) => {
    let combos: string[][] = [[]];
    for (const p of info.variants ?? []) combos = combos.flatMap((c) => p.values.map((v) => [...c, `${p.name}=${v}`]));
    return combos.map((c) => (c.length === 0 ? info.name : findProtocol(`${info.name}(${c.join(',')})`)!.info.name));
  });
}

describe('the search agrees with a naive enumeration (verdicts and shortest lengths)', () => {
  for (const name of allNames()) {
    for (const [packets, puts] of [[2, 1], [2, 2]] as const) {
      test(`${name} ${packets}x${puts}`, () => {
        const model = protocolModel(name)!;
        const expected = naive(model, packets, puts);
        const r = simulate(model, { packets, puts });
        assert.equal(r.verdict, expected.size > 0 ? 'violated' : 'safe');
        for (const inv of INVARIANT_IDS) {
          const v = r.violations.find((x) => x.invariant === inv);
          assert.equal(v?.steps.length, expected.get(inv), `${inv}: reported ${v?.steps.length} steps, shortest ${expected.get(inv)}`);
          if (v !== undefined) assert.equal(v.shortestProven, true, inv);
          assert.equal(r.verdicts.find((x) => x.invariant === inv)!.verdict, expected.has(inv) ? 'violated' : 'safe');
        }
      });
    }
  }
});
