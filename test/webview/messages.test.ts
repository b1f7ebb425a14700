import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_SCHEDULE_LENGTH, parseFromWebview, parseToWebview } from '../../src/webview/messages';

const scenario = { protocol: 'seed-workflow', packets: 2, puts: 1, preemptionBound: null };

test('well-formed messages from the webview parse to the same values', () => {
  for (const m of [
    { type: 'ready' },
    { type: 'cancel' },
    { type: 'run', scenario },
    { type: 'run', scenario: { ...scenario, preemptionBound: 3 } },
    { type: 'highlight', uri: 'lockstep-protocol:/seed-workflow.c', marks: [{ context: 'c0', label: 'packet 1', colour: 0, line: 12, current: true }] },
    { type: 'highlight', uri: null, marks: [] },
    { type: 'copy', text: 'seed-workflow/2x1:0.1' },
  ]) {
    const r = parseFromWebview(m);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.message, m);
  }
});

test('a replay schedule is trimmed, an empty one rejected', () => {
  const r = parseFromWebview({ type: 'replay', scenario, schedule: '  0.1.2 \n' });
  assert.ok(r.ok);
  assert.equal(r.message.type === 'replay' && r.message.schedule, '0.1.2');
  const empty = parseFromWebview({ type: 'replay', scenario, schedule: '   ' });
  assert.equal(empty.ok, false);
});

function rejects(m: unknown, pattern: RegExp): void {
  const r = parseFromWebview(m);
  assert.equal(r.ok, false, `accepted ${JSON.stringify(m)}`);
  if (!r.ok) assert.match(r.error, pattern);
}

test('wrong shapes are rejected with the path that was wrong', () => {
  rejects(null, /expected an object/);
  rejects('run', /expected an object/);
  rejects([], /expected an object/);
  rejects({}, /unknown type/);
  rejects({ type: 'format-disk' }, /unknown type "format-disk"/);
  rejects({ type: 'run' }, /message\.scenario: expected an object/);
  rejects({ type: 'run', scenario: { ...scenario, packets: '2' } }, /message\.scenario\.packets: expected an integer/);
  rejects({ type: 'run', scenario: { ...scenario, packets: 0 } }, /packets: 0 is outside 1\.\.8/);
  rejects({ type: 'run', scenario: { ...scenario, packets: 1e9 } }, /outside/);
  rejects({ type: 'run', scenario: { ...scenario, puts: 1.5 } }, /puts: expected an integer/);
  rejects({ type: 'run', scenario: { ...scenario, preemptionBound: -1 } }, /preemptionBound/);
  rejects({ type: 'run', scenario: { ...scenario, protocol: 42 } }, /protocol: expected a string/);
  rejects({ type: 'ready', extra: 1 }, /unexpected field "extra"/);
  rejects({ type: 'copy', text: 'x'.repeat(MAX_SCHEDULE_LENGTH + 1) }, /longer than/);
  rejects({ type: 'replay', scenario, schedule: 7 }, /schedule: expected a string/);
});

test('highlight requests are limited to known URI schemes and sane marks', () => {
  const mark = { context: 'c0', label: 'packet 1', colour: 0, line: 3, current: false };
  rejects({ type: 'highlight', uri: 'command:workbench.action.terminal.new', marks: [] }, /scheme must be one of/);
  rejects({ type: 'highlight', uri: 'https://example.com/x.c', marks: [] }, /scheme/);
  rejects({ type: 'highlight', uri: 'no-scheme', marks: [] }, /scheme/);
  rejects({ type: 'highlight', uri: 'file:///x.c', marks: [{ ...mark, colour: 6 }] }, /colour: 6 is outside 0\.\.5/);
  rejects({ type: 'highlight', uri: 'file:///x.c', marks: [{ ...mark, line: -1 }] }, /line/);
  rejects({ type: 'highlight', uri: 'file:///x.c', marks: [{ ...mark, current: 'yes' }] }, /current: expected true or false/);
  rejects({ type: 'highlight', uri: 'file:///x.c', marks: [{ ...mark, onclick: 'x' }] }, /unexpected field "onclick"/);
  rejects({ type: 'highlight', uri: 'file:///x.c', marks: Array(65).fill(mark) }, /more than 64 items/);
  assert.ok(parseFromWebview({ type: 'highlight', uri: 'FILE:///x.c', marks: [mark] }).ok);
});

test('messages to the webview are checked too', () => {
  assert.ok(parseToWebview({ type: 'cancelled' }).ok);
  assert.ok(parseToWebview({ type: 'progress', progress: { states: null, transitions: null, ms: 250 } }).ok);
  assert.ok(parseToWebview({ type: 'jumpToLine', uri: 'lockstep-protocol:/a.c', line: 4 }).ok);
  assert.equal(parseToWebview({ type: 'progress', progress: { states: -1, transitions: 0, ms: 1 } }).ok, false);
  assert.equal(parseToWebview({ type: 'result', result: { protocol: 'x' } }).ok, false);
  assert.equal(parseToWebview({ type: 'init', protocols: [{ id: 'a' }], protocol: null, note: null }).ok, false);
});
