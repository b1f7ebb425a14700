// Two classic C packet-path bugs become concrete breaking schedules whose steps point at the C lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../src/core/sim/simulate';
import { extract, fixtureText, lineOf } from './helpers';

test('a packet path that forgets its DEREFERENCE on an error path leaks the flow', async () => {
  const text = fixtureText('bug_error_path_leak.c');
  const ex = await extract(text, 'OvsPacketPath', 'OvsFlowDelete');
  const r = simulate(ex.model, { packets: 1, puts: 1 });
  assert.deepEqual(r.violations.map((v) => v.invariant), ['leak']);
  const v = r.violations[0]!;
  const packet = v.steps.filter((s) => s.contextLabel === 'packet 1');
  const lines = packet.map((s) => s.location.line);
  // The reference taken, the untracked error check taken its error way, and the early return.
  assert.ok(lines.includes(lineOf(text, 'OVS_REFCOUNT_REFERENCE(&flow->refCount)')));
  const check = packet.find((s) => s.location.line === lineOf(text, 'if (status != NDIS_STATUS_SUCCESS)'));
  assert.equal(check?.op, 'choose');
  assert.equal(packet[packet.length - 1]!.location.line, lineOf(text, 'BUG: the reference is never dropped'));
  assert.ok(!lines.includes(lineOf(text, 'OvsActionsExecute(flow, nbl)')), 'the packet never reaches its DEREFERENCE');
  // The put dropped the table's reference: the count stays at 1, unlinked and never freed.
  const put = v.steps.filter((s) => s.contextLabel === 'put 1');
  assert.ok(put.some((s) => s.op === 'unlink' && s.location.line === lineOf(text, 'RemoveEntryList(&flow->ListEntry)')));
  const last = v.steps[v.steps.length - 1]!.state.flows[0]!;
  assert.deepEqual([last.refcount, last.linked, last.freed], [1, false, false]);
  assert.equal(v.flow, 'F');
});

test('a packet path that touches the flow after dropping the read lock, without a reference, uses freed memory', async () => {
  const text = fixtureText('bug_use_after_unlock.c');
  const ex = await extract(text, 'OvsPacketPath', 'OvsFlowDelete');
  const r = simulate(ex.model, { packets: 1, puts: 1 });
  assert.deepEqual(r.violations.map((v) => v.invariant), ['use-after-free']);
  const v = r.violations[0]!;
  const breaking = v.steps[v.at]!;
  assert.equal(breaking.contextLabel, 'packet 1');
  assert.equal(breaking.op, 'use');
  assert.equal(breaking.location.line, lineOf(text, 'OvsDoExecuteActions('));
  const release = v.steps.find((s) => s.op === 'release' && s.contextLabel === 'packet 1');
  assert.equal(release?.location.line, lineOf(text, 'BUG: too early'));
  const free = v.steps.find((s) => s.op === 'free');
  assert.equal(free?.contextLabel, 'put 1');
  assert.equal(free?.location.line, lineOf(text, 'RemoveFlow(datapath, &flow)'));
  assert.ok(v.steps.indexOf(release!) < v.steps.indexOf(free!) && v.steps.indexOf(free!) < v.at);
});

test('the same packet path holding the read lock across the actions is safe', async () => {
  const text = fixtureText('bug_use_after_unlock.c')
    .replace('    NdisReleaseRWLock(datapath->lock, &lockState);   /* BUG: too early */\n', '')
    .replace('        OvsDoExecuteActions(switchContext, nbl, key, flow->actions, flow->actionsLen);\n    }\n', '        OvsDoExecuteActions(switchContext, nbl, key, flow->actions, flow->actionsLen);\n    }\n    NdisReleaseRWLock(datapath->lock, &lockState);\n');
  assert.ok(!text.includes('BUG: too early'));
  const ex = await extract(text, 'OvsPacketPath', 'OvsFlowDelete');
  const r = simulate(ex.model, { packets: 2, puts: 1 });
  assert.equal(r.verdict, 'safe');
});
