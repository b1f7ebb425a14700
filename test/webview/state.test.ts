import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resultView } from '../../src/extension/simulator/adapt';
import { parseToWebview } from '../../src/webview/messages';
import { initialState, reduce, SPEEDS, type Action, type ViewState } from '../../src/webview/state';
import { restoreState, toSaved } from '../../src/webview/persist';
import { seedWorkflowResult, LISTING_URI } from './fixtures/seedWorkflowResult';

const protocols = [
  { id: 'seed-workflow', title: 'as written', summary: 's', listingUri: LISTING_URI },
  { id: 'ovs-windows', title: 'shipped', summary: 's', listingUri: 'lockstep-protocol:/ovs-windows.c' },
];

function run(...actions: Action[]): ViewState {
  return actions.reduce(reduce, initialState());
}

const result = resultView(seedWorkflowResult());
const steps = result.violations[0]!.steps.length;
const failing = result.violations[0]!.failingStep;

test('a result sets the form to its own scenario (a replayed schedule brings one)', () => {
  const s = run({ type: 'scenario', patch: { packets: 5, puts: 3 } }, { type: 'result', result });
  assert.deepEqual(s.scenario, result.scenario);
});

test('a result opens its first violation at the failing step', () => {
  const s = run({ type: 'init', protocols, protocol: null, note: null }, { type: 'runStarted', replay: false }, { type: 'result', result });
  assert.equal(s.run.kind, 'idle');
  assert.equal(s.violation, 0);
  assert.equal(s.position, failing + 1);
  assert.deepEqual(s.costs.map((c) => c.protocol), ['seed-workflow']);
});

test('stepping is clamped to the schedule and stops playback', () => {
  let s = run({ type: 'result', result }, { type: 'toStart' });
  assert.equal(s.position, 0);
  s = reduce(s, { type: 'step', delta: -1 });
  assert.equal(s.position, 0);
  s = reduce(s, { type: 'step', delta: 1 });
  assert.equal(s.position, 1);
  s = reduce(s, { type: 'goTo', position: 999 });
  assert.equal(s.position, steps);
  s = reduce(reduce(s, { type: 'toStart' }), { type: 'togglePlay' });
  assert.equal(s.playing, true);
  s = reduce(s, { type: 'step', delta: 1 });
  assert.equal(s.playing, false);
  s = reduce(s, { type: 'toViolation' });
  assert.equal(s.position, failing + 1);
});

test('play ticks forward and stops at the end; playing from the end starts over', () => {
  let s = run({ type: 'result', result }, { type: 'goTo', position: steps - 1 }, { type: 'togglePlay' });
  s = reduce(s, { type: 'tick' });
  assert.equal(s.position, steps);
  assert.equal(s.playing, false);
  s = reduce(s, { type: 'tick' });
  assert.equal(s.position, steps, 'a tick while paused does nothing');
  s = reduce(s, { type: 'togglePlay' });
  assert.equal(s.playing, true);
  assert.equal(s.position, 0);
});

test('play without a schedule does nothing; speed stays within its table', () => {
  const s = run({ type: 'togglePlay' });
  assert.equal(s.playing, false);
  let t = initialState();
  for (let i = 0; i < 10; i++) t = reduce(t, { type: 'speed', delta: 1 });
  assert.equal(t.speed, SPEEDS.length - 1);
  for (let i = 0; i < 10; i++) t = reduce(t, { type: 'speed', delta: -1 });
  assert.equal(t.speed, 0);
});

test('jumping to a listing line goes to the next step at that line, wrapping around', () => {
  const v = result.violations[0]!;
  const line = 20; // "use F": packet 1 at one step, packet 2 at the failing one
  const at = v.steps.map((st, i) => (st.line === line ? i + 1 : -1)).filter((p) => p > 0);
  assert.equal(at.length, 2);
  let s = run({ type: 'result', result }, { type: 'toStart' });
  s = reduce(s, { type: 'jumpToLine', uri: LISTING_URI, line });
  assert.equal(s.position, at[0]);
  s = reduce(s, { type: 'jumpToLine', uri: LISTING_URI, line });
  assert.equal(s.position, at[1]);
  s = reduce(s, { type: 'jumpToLine', uri: LISTING_URI, line });
  assert.equal(s.position, at[0], 'wraps to the first');
  const same = reduce(s, { type: 'jumpToLine', uri: LISTING_URI, line: 0 });
  assert.equal(same, s, 'a line without steps changes nothing');
  assert.equal(reduce(s, { type: 'jumpToLine', uri: 'file:///other.c', line }), s);
});

test('scenario edits are clamped; init keeps a known protocol or picks the first', () => {
  let s = run({ type: 'scenario', patch: { packets: 99, puts: -3, preemptionBound: 2.6 } });
  assert.deepEqual([s.scenario.packets, s.scenario.puts, s.scenario.preemptionBound], [8, 0, 3]);
  s = reduce(s, { type: 'init', protocols: protocols.slice(1), protocol: null, note: 'n' });
  assert.equal(s.scenario.protocol, 'ovs-windows');
  assert.equal(s.note, 'n');
  s = reduce(s, { type: 'init', protocols, protocol: 'seed-workflow', note: null });
  assert.equal(s.scenario.protocol, 'seed-workflow');
});

test('progress only counts while running; costs from later messages are merged by protocol', () => {
  let s = run({ type: 'progress', progress: { states: 1, transitions: 1, ms: 1 } });
  assert.equal(s.run.kind, 'idle');
  s = run({ type: 'runStarted', replay: true }, { type: 'progress', progress: { states: 5, transitions: 9, ms: 20 } });
  assert.deepEqual(s.run, { kind: 'running', progress: { states: 5, transitions: 9, ms: 20 }, replay: true });
  s = run({ type: 'result', result }, { type: 'costs', costs: [{ protocol: 'rcu', counters: [] }] }, { type: 'costs', costs: [{ protocol: 'rcu', counters: [{ name: 'x', value: 1 }] }] });
  assert.deepEqual(s.costs.map((c) => c.protocol), ['seed-workflow', 'rcu']);
  assert.equal(s.costs[1]!.counters.length, 1);
});

test('the saved state survives a JSON round trip and restores protocol, scenario, result and step', () => {
  const s = run({ type: 'init', protocols, protocol: 'seed-workflow', note: null }, { type: 'result', result },
    { type: 'scenario', patch: { packets: 3 } }, { type: 'goTo', position: 7 }, { type: 'runStarted', replay: false });
  const back = restoreState(JSON.parse(JSON.stringify(toSaved(s))));
  assert.deepEqual(back.problems, []);
  assert.equal(back.state.scenario.packets, 3);
  assert.equal(back.state.position, 7);
  assert.deepEqual(back.state.result, result);
  assert.equal(back.state.run.kind, 'idle', 'a run in flight is not restored as running');
});

test('a damaged saved state drops the damaged part only', () => {
  const s = run({ type: 'result', result }, { type: 'goTo', position: 5 });
  const saved = JSON.parse(JSON.stringify(toSaved(s)));
  saved.state.position = 10_000;
  saved.state.result.violations[0].steps[2].line = 'twelve';
  const back = restoreState(saved);
  assert.equal(back.state.result, null);
  assert.equal(back.state.position, 0);
  assert.ok(back.problems.some((p) => p.includes('steps[2].line')), back.problems.join('; '));
  assert.deepEqual(restoreState({ version: 0, state: {} }).state, initialState());
  assert.deepEqual(restoreState('garbage').state, initialState());
});

test('the adapted fixture passes the webview\'s own result check', () => {
  const r = parseToWebview(JSON.parse(JSON.stringify({ type: 'result', result })));
  assert.ok(r.ok, r.ok ? '' : r.error);
});

test('costs of another scenario replace the table; the same scenario adds to it', () => {
  const other = { ...result, scenario: { ...result.scenario, packets: 3 }, costs: [{ protocol: 'seed-workflow', counters: [] }] };
  let s = run({ type: 'result', result }, { type: 'costs', costs: [{ protocol: 'rcu', counters: [] }] }, { type: 'result', result });
  assert.deepEqual(s.costs.map((c) => c.protocol), ['seed-workflow', 'rcu']);
  s = reduce(s, { type: 'result', result: other });
  assert.deepEqual(s.costs.map((c) => c.protocol), ['seed-workflow']);
});
