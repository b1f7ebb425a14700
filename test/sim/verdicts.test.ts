// The verdict of every reference protocol on small scenarios, with the broken invariants asserted
// exactly, and the mechanism of each seed-workflow flaw checked on the schedule the checker found.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { protocolModel } from '../../src/core/flowtable/protocols/index';
import { simulate } from '../../src/core/sim/simulate';
import type { InvariantId, SimulationResult, Violation } from '../../src/core/sim/types';

function run(name: string, packets: number, puts: number): SimulationResult {
  const model = protocolModel(name);
  assert.ok(model, `protocol ${name} exists`);
  return simulate(model, { packets, puts });
}

function broken(r: SimulationResult): InvariantId[] {
  return r.verdicts.filter((v) => v.verdict === 'violated').map((v) => v.invariant).sort();
}

function violation(r: SimulationResult, inv: InvariantId): Violation {
  const v = r.violations.find((x) => x.invariant === inv);
  assert.ok(v, `${r.protocol} breaks ${inv}`);
  return v;
}

const EXPECTED: [string, string, InvariantId[]][] = [
  ['seed-workflow', '1x1', []],
  ['seed-workflow', '2x1', ['negative-refcount', 'use-after-free']],
  ['seed-workflow', '2x2', ['negative-refcount', 'stale-lookup', 'use-after-free']],
  ['seed-workflow', '3x1', ['negative-refcount', 'stale-lookup', 'use-after-free']],
  ['seed-workflow-fixed', '1x1', []],
  ['seed-workflow-fixed', '2x1', []],
  ['seed-workflow-fixed', '2x2', []],
  ['seed-workflow-fixed', '3x2', []],
  ['seed-refcount-api', '1x1', ['double-free', 'use-after-free']],
  ['seed-refcount-api', '2x1', ['double-free', 'use-after-free']],
  ['seed-refcount-api-locked', '1x1', []],
  ['seed-refcount-api-locked', '2x1', []],
  ['seed-refcount-api-locked', '2x2', []],
  ['ovs-windows', '2x1', []],
  ['ovs-windows', '3x2', []],
  ['rcu', '2x1', []],
  ['rcu', '2x2', []],
];

describe('protocol verdicts (exhaustive, with reduction)', () => {
  for (const [name, sc, want] of EXPECTED) {
    test(`${name} ${sc}: ${want.length === 0 ? 'safe' : want.join(', ')}`, () => {
      const [p, u] = sc.split('x').map(Number) as [number, number];
      const r = run(name, p, u);
      assert.equal(r.stats.complete, true);
      assert.deepEqual(broken(r), want);
      assert.equal(r.verdict, want.length === 0 ? 'safe' : 'violated');
      for (const v of r.verdicts) if (!want.includes(v.invariant)) assert.equal(v.verdict, 'safe');
    });
  }
});

describe('seed-workflow: what the checker finds, step by step', () => {
  test('flaw 1: the increment under the shared read lock loses an update', () => {
    const v = violation(run('seed-workflow', 2, 1), 'use-after-free');
    // Both packets load the count before either stores it back.
    const loads = v.steps.filter((s) => s.op === 'refLoad' && s.contextLabel.startsWith('packet'));
    const stores = v.steps.filter((s) => s.op === 'refStore' && s.contextLabel.startsWith('packet'));
    assert.ok(loads.length >= 2 && stores.length >= 2);
    assert.notEqual(loads[0]!.context, loads[1]!.context);
    assert.ok(loads[1]!.index < stores[0]!.index, 'second load happens before the first store');
    // Two packets hold the flow, plus the table's reference: the count should be 3, it is 2.
    const afterIncrements = stores[1]!.state.flows[0]!;
    assert.equal(afterIncrements.refcount, 2);
    // The flow is freed while a packet still uses it.
    const last = v.steps[v.at]!;
    assert.equal(last.op, 'use');
    assert.equal(last.state.flows[0]!.freed, true);
    assert.match(v.message, /^use after free: packet \d uses flow F after (put|packet) \d freed it$/);
  });

  test('flaw 1 again: the last decrement goes below zero', () => {
    const v = violation(run('seed-workflow', 2, 1), 'negative-refcount');
    assert.equal(v.steps[v.at]!.state.flows[0]!.refcount, -1);
  });

  test("flaw 2: the put's decrement from 3 lands on 2, so the deleted flow stays ACTIVE and is found again", () => {
    const v = violation(run('seed-workflow', 3, 1), 'stale-lookup');
    const putStore = v.steps.find((s) => s.op === 'refStore' && s.contextLabel === 'put 1');
    assert.ok(putStore, 'the put decrements');
    const before = v.steps[putStore.index - 1]!.state.flows[0]!;
    const after = putStore.state.flows[0]!;
    assert.equal(before.refcount, 3);
    assert.equal(after.refcount, 2);
    const done = v.steps.find((s) => s.contextLabel === 'put 1' && s.state.flows[0]!.retired);
    assert.ok(done, 'the put completes');
    assert.equal(done.state.flows[0]!.flag, 'ACTIVE');
    assert.equal(done.state.flows[0]!.linked, true);
    // The third packet's lookup comes after the put completed; its increment is the stale use.
    const lookup = v.steps.filter((s) => s.op === 'lookup' && s.contextLabel === v.steps[v.at]!.contextLabel).pop()!;
    assert.ok(lookup.index > done.index);
    assert.equal(v.steps[v.at]!.op, 'refLoad');
    assert.match(v.message, /^stale lookup: packet 3 reads the refcount of flow F, which its lookup returned after put 1 had finished deleting it$/);
  });

  test('flaw 2 with two puts: the second put finds the flow the first one deleted', () => {
    const v = violation(run('seed-workflow', 2, 2), 'stale-lookup');
    assert.match(v.steps[v.at]!.contextLabel, /^(put 2|packet \d)$/);
  });

  test('the OVS_REF_COUNT proposal destroys twice when DEREFERENCE and DESTROY race', () => {
    const r = run('seed-refcount-api', 1, 1);
    const v = violation(r, 'double-free');
    const frees = v.steps.filter((s) => s.op === 'free');
    assert.equal(frees.length, 2);
    assert.notEqual(frees[0]!.context, frees[1]!.context);
    // One context frees (DEREFERENCE or DESTROY) and the other then reads the flow's count or mark.
    const uaf = violation(r, 'use-after-free');
    const m = /^use after free: (packet 1|put 1) reads flow F after (packet 1|put 1) freed it$/.exec(uaf.message);
    assert.ok(m !== null && m[1] !== m[2], uaf.message);
  });
});

describe('costs', () => {
  test('the price side: seed packets take the write lock, the fixed and shipped designs do not, RCU takes no blocking lock', () => {
    const seed = run('seed-workflow', 1, 1).costs.perPacket;
    const fixed = run('seed-workflow-fixed', 1, 1).costs.perPacket;
    const ovs = run('ovs-windows', 1, 1).costs.perPacket;
    const rcu = run('rcu', 1, 1).costs.perPacket;
    assert.deepEqual([seed.lockAcquisitions, seed.writeLockAcquisitions], [2, 1]);
    assert.deepEqual([fixed.lockAcquisitions, fixed.writeLockAcquisitions], [1, 0]);
    assert.deepEqual([ovs.lockAcquisitions, ovs.writeLockAcquisitions], [1, 0]);
    assert.deepEqual([rcu.lockAcquisitions, rcu.rcuReadSections], [0, 1]);
    assert.ok(fixed.steps < seed.steps);
  });
});
