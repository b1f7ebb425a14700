import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resultView } from '../../src/extension/simulator/adapt';
import { changedKeys, describePosition, lineMarks, stateAt } from '../../src/webview/derive';
import { commandForKey } from '../../src/webview/keyboard';
import { LISTING_URI, seedWorkflowResult } from './fixtures/seedWorkflowResult';

const v = resultView(seedWorkflowResult()).violations[0]!;
const posOf = (effect: string): number => v.steps.findIndex((s) => s.effect === effect) + 1;

test('only the values a step changed are marked', () => {
  const lost = posOf('refcount of F 2 -> 2 (lost update)');
  assert.ok(lost > 0);
  // The lost update writes the same value: nothing about the flow changes, only packet 2's next step.
  assert.deepEqual([...changedKeys(v, lost)].filter((k) => k.startsWith('flow')), []);
  const first = posOf('refcount of F 1 -> 2');
  assert.ok(changedKeys(v, first).has('flow F.refcount'));
  const freed = posOf('F freed');
  assert.ok(changedKeys(v, freed).has('flow F.freed'));
  assert.ok(!changedKeys(v, freed).has('flow F.refcount'));
  assert.equal(changedKeys(v, 0).size, 0);
});

test('position 0 is the state before any step: lock free, flow at its initial count', () => {
  const s = stateAt(v, 0);
  assert.deepEqual(s.locks.map((l) => [l.mode, l.holders, l.waiters]), [['free', [], []]]);
  assert.equal(s.flows[0]!.refcount, 1);
  assert.ok(s.contexts.every((c) => c.status === 'ready'));
  assert.ok(changedKeys(v, 1).has('lock table.mode'));
});

test('each context is marked at its latest line; the one that just moved is current', () => {
  const pos = posOf('F freed');
  const { uri, marks } = lineMarks(v, pos);
  assert.equal(uri, LISTING_URI);
  assert.deepEqual(marks.map((m) => [m.label, m.line, m.current, m.colour]), [
    ['packet 1', 25, true, 0],
    ['packet 2', 18, false, 1],
    ['put 1', 38, false, 2],
  ]);
  const start = lineMarks(v, 0).marks;
  assert.ok(start.every((m) => m.label.endsWith('(not started)') && !m.current));
});

test('the step description names the context, the instruction, the line, the waits and the failure', () => {
  const blocked = posOf('waits: table held for reading by packet 1, packet 2');
  assert.match(describePosition(v, blocked), /^Step \d+ of 21: put 1, line 32 — acquire table \(write\)\. Put 1 waits: write lock table, held for reading by packet 1, packet 2\.$/);
  assert.match(describePosition(v, v.failingStep + 1), /Violation — use after free: packet 2 reads flow F after packet 1 freed it$/);
  assert.match(describePosition(v, 0), /^Initial state/);
});

test('shortcuts are plain keys, ignored in fields and with modifiers', () => {
  const k = (key: string, extra: Partial<Parameters<typeof commandForKey>[0]> = {}): unknown =>
    commandForKey({ key, ctrlKey: false, metaKey: false, altKey: false, inField: false, ...extra });
  assert.deepEqual(k('ArrowRight'), { type: 'step', delta: 1 });
  assert.deepEqual(k('N'), { type: 'step', delta: 1 });
  assert.deepEqual(k('ArrowLeft'), { type: 'step', delta: -1 });
  assert.deepEqual(k('End'), { type: 'toViolation' });
  assert.deepEqual(k('Home'), { type: 'toStart' });
  assert.deepEqual(k(' '), { type: 'togglePlay' });
  assert.deepEqual(k('c'), { type: 'copySchedule' });
  assert.equal(k('c', { ctrlKey: true }), null);
  assert.equal(k('ArrowRight', { inField: true }), null);
  assert.equal(k('x'), null);
});
