// "Simulate with…" helpers: candidate order, role guess, and the C model's name/entry in the panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cModelName } from '../../src/core/extract/extract';
import { COUNT_CHOICES, cProtocolInfo, cProtocolName, cScenario, guessRole, otherContextCandidates, unmodelledWords } from '../../src/extension/simulator/cPick';
import { parseFromWebview } from '../../src/webview/messages';

test('the other context: put-like names first for a packet path, packet-like first for a put, itself last', () => {
  const fns = ['OvsInit', 'OvsFlowDelete', 'OvsPacketPath', 'HandleFlowPut', 'Helper'];
  assert.deepEqual(otherContextCandidates(fns, 'OvsPacketPath', 'packet'), ['OvsFlowDelete', 'HandleFlowPut', 'OvsInit', 'Helper', 'OvsPacketPath']);
  assert.deepEqual(otherContextCandidates(fns, 'OvsFlowDelete', 'put'), ['OvsPacketPath', 'OvsInit', 'HandleFlowPut', 'Helper', 'OvsFlowDelete']);
});

test('role guess from the name', () => {
  assert.equal(guessRole('OvsFlowDelete'), 'put');
  assert.equal(guessRole('ovs_flow_cmd_del'), 'put');
  assert.equal(guessRole('OvsPacketPath'), 'packet');
  assert.equal(guessRole('ProcessPacketDelete'), 'packet');
});

test('the panel names a C model exactly as the core does (schedules and replays depend on it)', () => {
  const names = { 'file:///w/dp/Flow.c': 'Flow.c:A+B', 'untitled:Untitled-1': 'Untitled-1:A+B', 'file:///c%3A/src/my%20flow.c': 'my flow.c:A+B' };
  for (const [uri, name] of Object.entries(names)) {
    assert.equal(cProtocolName(uri, 'A', 'B'), name);
    assert.equal(cModelName(uri, 'A', 'B'), name);
  }
  const info = cProtocolInfo('file:///w/dp/Flow.c', 'OvsPacketPath', 'OvsFlowDelete');
  assert.equal(info.id, 'Flow.c:OvsPacketPath+OvsFlowDelete');
  assert.equal(info.listingUri, 'file:///w/dp/Flow.c');
});

test('every count choice is a scenario the webview accepts', () => {
  for (const c of COUNT_CHOICES) {
    const parsed = parseFromWebview({ type: 'run', scenario: cScenario('f.c:A+B', c) });
    assert.ok(parsed.ok, JSON.stringify(parsed));
  }
  assert.deepEqual(COUNT_CHOICES[0], { label: '2 packets × 1 put', packets: 2, puts: 1 });
});

test('unmodelled reasons read as words in the panel\'s note, every hyphen of an unknown one too', () => {
  assert.equal(unmodelledWords('not-a-flow'), 'works on something other than the flow (left out)');
  assert.equal(unmodelledWords('some-new-reason'), 'some new reason');
});
