import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contextId, costView, resultView, stateView } from '../../src/extension/simulator/adapt';
import { seedWorkflowResult } from './fixtures/seedWorkflowResult';

test('a core result becomes the view model: contexts, verdicts linked to their violation, stats', () => {
  const core = seedWorkflowResult();
  const r = resultView(core);
  assert.deepEqual(r.violations[0]!.contexts, [
    { id: 'c0', label: 'packet 1', kind: 'packet' },
    { id: 'c1', label: 'packet 2', kind: 'packet' },
    { id: 'c2', label: 'put 1', kind: 'put' },
  ]);
  assert.deepEqual(r.invariants.filter((i) => i.verdict === 'violated'), [{ id: 'use-after-free', verdict: 'violated', violation: 0 }]);
  assert.ok(r.invariants.filter((i) => i.verdict === 'safe').every((i) => i.violation === null));
  assert.deepEqual(r.scenario, { protocol: 'seed-workflow', packets: 2, puts: 1, preemptionBound: null });
  assert.equal(r.stats.exhaustive, true);
  assert.equal(r.violations[0]!.failingStep, core.violations[0]!.steps.length - 1);
  assert.equal(r.replayOf, null);
  assert.equal(resultView(core, '0.1').replayOf, '0.1');
});

test('locks show their holders and waiters by context; blocked contexts say why', () => {
  const core = seedWorkflowResult();
  const v = resultView(core).violations[0]!;
  const waiting = v.steps.find((s) => s.effect.startsWith('waits'))!;
  assert.deepEqual(waiting.state.locks[0], {
    name: 'table', kind: 'rw', mode: 'read', holders: ['c0', 'c1'], waiters: [{ context: 'c2', mode: 'write' }],
  });
  const put = waiting.state.contexts.find((c) => c.context === contextId(2))!;
  assert.equal(put.status, 'blocked');
  assert.equal(put.waitsFor, 'write lock table, held for reading by packet 1, packet 2');
  const done = v.steps.at(-1)!.state.contexts.find((c) => c.context === 'c2')!;
  assert.deepEqual([done.status, done.next, done.nextLine, done.waitsFor], ['done', '', null, null]);
  assert.deepEqual(v.steps[3]!.state.contexts[0]!.locals, [{ name: 'pFlow', value: 'F' }]);
});

test('position 0 shows the result\'s recorded initial state', () => {
  const core = seedWorkflowResult();
  const v = resultView(core).violations[0]!;
  assert.deepEqual(v.initial, stateView(core.initial));
  assert.deepEqual(v.initial.locks[0]!.holders, []);
  assert.equal(v.initial.contexts[0]!.next, 'acquire table (read)');
});

test('costs become named counters, the blocked share as a percentage', () => {
  const c = costView('seed-workflow', seedWorkflowResult().costs);
  const get = (n: string): number | undefined => c.counters.find((k) => k.name === n)?.value;
  assert.equal(get('per packet: write locks'), 1);
  assert.equal(get('explored states: % waiting'), 31);
  assert.equal(get('round-robin run: steps per packet'), 14.5);
});
