// Schedules: the string form round-trips, and replaying a violation's string reproduces it exactly.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { protocolModel } from '../../src/core/flowtable/protocols/index';
import { compileModel } from '../../src/core/sim/compile';
import { ScheduleError, decodeSchedule, encodeSchedule, replay } from '../../src/core/sim/schedule';
import { scenarioOf, simulate, simulateReplay } from '../../src/core/sim/simulate';

describe('schedule strings', () => {
  test('encode compresses repeats and keeps choices; decode inverts it', () => {
    const steps = [
      { ctx: 0, choice: -1 }, { ctx: 0, choice: -1 }, { ctx: 0, choice: -1 },
      { ctx: 2, choice: 1 }, { ctx: 2, choice: 1 }, { ctx: 1, choice: 0 }, { ctx: 11, choice: -1 },
    ];
    const text = encodeSchedule('seed-workflow', 2, 1, steps);
    assert.equal(text, 'seed-workflow:2x1:0*3.2/1*2.1/0.11');
    assert.deepEqual(decodeSchedule(text), { protocol: 'seed-workflow', packets: 2, puts: 1, steps });
    assert.deepEqual(decodeSchedule('rcu:1x0:').steps, []);
  });

  test('malformed strings are rejected with a clear message', () => {
    for (const bad of ['', 'rcu', 'rcu:2x1', 'rcu:two:0', 'rcu:2x1:0..1', 'rcu:2x1:a', 'rcu:2x1:0*9999999', 'rcu:2x1:0/2']) {
      assert.throws(() => decodeSchedule(bad), ScheduleError, bad);
    }
  });

  test('replaying a step that cannot run says which and why', () => {
    const m = compileModel(protocolModel('ovs-windows')!, scenarioOf({ packets: 1, puts: 1 }));
    assert.throws(() => replay(m, [{ ctx: 5, choice: -1 }]), /no context 5/);
    assert.throws(() => replay(m, Array.from({ length: 40 }, () => ({ ctx: 0, choice: -1 }))), /packet 1 cannot move \(done\)/);
    assert.throws(() => replay(m, [{ ctx: 0, choice: 1 }]), /has no choice to make/);
  });
});

describe('replay round-trip', () => {
  for (const [name, p, u] of [['seed-workflow', 2, 1], ['seed-workflow', 3, 1], ['seed-refcount-api', 1, 1]] as const) {
    test(`${name} ${p}x${u}: every violation's string replays to the same steps and the same break`, () => {
      const model = protocolModel(name)!;
      const r = simulate(model, { packets: p, puts: u });
      assert.ok(r.violations.length > 0);
      for (const v of r.violations) {
        const parsed = decodeSchedule(v.schedule);
        assert.deepEqual([parsed.protocol, parsed.packets, parsed.puts], [name, p, u]);
        const again = simulateReplay(model, { packets: p, puts: u }, parsed.steps);
        const same = again.violations.find((x) => x.invariant === v.invariant);
        assert.ok(same, `${v.invariant} reproduced`);
        assert.deepEqual(same.steps, v.steps);
        assert.equal(same.at, v.at);
        assert.equal(same.message, v.message);
        assert.equal(same.schedule, v.schedule);
        assert.equal(again.stats.mode, 'replay');
      }
    });
  }

  test('exploration is deterministic: two runs give identical results apart from timing', () => {
    const model = protocolModel('seed-workflow')!;
    const strip = (x: ReturnType<typeof simulate>): unknown => ({ ...x, stats: { ...x.stats, ms: 0, cpuMs: 0 } });
    assert.deepEqual(strip(simulate(model, { packets: 2, puts: 2 })), strip(simulate(model, { packets: 2, puts: 2 })));
  });

  test('random-walk schedules are cut down to the causal past of the break and still replay', () => {
    const model = protocolModel('seed-workflow')!;
    const r = simulate(model, { packets: 3, puts: 2, random: { seed: 3, runs: 500 } });
    assert.ok(r.violations.length > 0);
    for (const v of r.violations) {
      // A 5-context run takes over 60 steps; only the steps that lead to the break are kept.
      assert.ok(v.steps.length < 45, `${v.invariant}: ${v.steps.length} steps`);
      assert.equal(v.at, v.steps.length - 1);
      const again = simulateReplay(model, { packets: 3, puts: 2 }, decodeSchedule(v.schedule).steps);
      assert.ok(again.violations.some((x) => x.invariant === v.invariant));
    }
  });

  test('random walks are reproducible from the printed seed', () => {
    const model = protocolModel('seed-workflow')!;
    const a = simulate(model, { packets: 2, puts: 1, random: { seed: 42, runs: 300 } });
    const b = simulate(model, { packets: 2, puts: 1, random: { seed: 42, runs: 300 } });
    assert.equal(a.stats.seed, 42);
    assert.deepEqual(a.violations.map((v) => v.schedule), b.violations.map((v) => v.schedule));
    assert.ok(a.verdicts.every((v) => v.verdict !== 'safe'), 'a random search proves nothing safe');
  });
});
