// Partial-order reduction keeps every verdict: on small scenarios the reduced search and full
// enumeration break exactly the same invariants, and the reduced one explores no more states.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { listProtocols, protocolModel } from '../../src/core/flowtable/protocols/index';
import { simulate } from '../../src/core/sim/simulate';

const SCENARIOS: [number, number][] = [[1, 1], [2, 1], [1, 2], [2, 2]];

describe('reduced search = full enumeration (verdicts)', () => {
  for (const { name } of listProtocols()) {
    test(name, () => {
      const model = protocolModel(name)!;
      for (const [p, u] of SCENARIOS) {
        const full = simulate(model, { packets: p, puts: u, reduction: false });
        const reduced = simulate(model, { packets: p, puts: u, reduction: true });
        assert.deepEqual(reduced.verdicts, full.verdicts, `${name} ${p}x${u}`);
        assert.ok(reduced.stats.states <= full.stats.states, `${name} ${p}x${u}: ${reduced.stats.states} <= ${full.stats.states}`);
        // Full enumeration's schedules are shortest; the reduced ones may be a little longer.
        for (const v of full.violations) {
          const r = reduced.violations.find((x) => x.invariant === v.invariant)!;
          assert.ok(r.steps.length >= v.steps.length);
        }
      }
    });
  }

  test('the reduction pays off on 3 packets x 2 puts of the fixed workflow', () => {
    const model = protocolModel('seed-workflow-fixed')!;
    const reduced = simulate(model, { packets: 3, puts: 1 });
    const full = simulate(model, { packets: 3, puts: 1, reduction: false });
    assert.ok(reduced.stats.states * 3 < full.stats.states, `${reduced.stats.states} vs ${full.stats.states}`);
  });

  test('a preemption bound explores a subset and says the search is not complete', () => {
    const model = protocolModel('seed-workflow')!;
    const none = simulate(model, { packets: 2, puts: 1, preemptions: 0 });
    const two = simulate(model, { packets: 2, puts: 1, preemptions: 2 });
    assert.equal(none.stats.complete, false);
    assert.ok(none.verdicts.every((v) => v.verdict !== 'safe'));
    // The lost update needs a packet to be preempted between its load and its store.
    assert.equal(none.violations.length, 0);
    assert.ok(two.violations.some((v) => v.invariant === 'use-after-free'));
  });
});
