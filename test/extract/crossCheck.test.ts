// Cross-check against the oracle: each reference protocol written in NDIS-style (or Linux) C under
// test/fixtures/sim/ must give the same verdict per invariant as its TypeScript model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { protocolModel } from '../../src/core/flowtable/protocols/index';
import { simulate } from '../../src/core/sim/simulate';
import type { SimulationResult } from '../../src/core/sim/types';
import { extract, fixtureText } from './helpers';

const CASES: { protocol: string; file: string; packet: string; put: string }[] = [
  { protocol: 'seed-workflow', file: 'seed_workflow.c', packet: 'PacketContext', put: 'FlowPutContext' },
  { protocol: 'seed-workflow-fixed', file: 'seed_workflow_fixed.c', packet: 'PacketContext', put: 'FlowPutContext' },
  { protocol: 'seed-refcount-api', file: 'seed_refcount_api.c', packet: 'PacketContext', put: 'FlowDeleteContext' },
  { protocol: 'seed-refcount-api-locked', file: 'seed_refcount_api_locked.c', packet: 'PacketContext', put: 'FlowDeleteContext' },
  { protocol: 'ovs-windows', file: 'ovs_windows.c', packet: 'OvsPacketPath', put: 'OvsFlowDelete' },
  { protocol: 'rcu', file: 'rcu_linux.c', packet: 'ovs_packet_path', put: 'ovs_flow_delete' },
];

const SCENARIOS: [number, number][] = [[1, 1], [2, 1], [3, 1], [2, 2]];

const broken = (r: SimulationResult): string[] => r.verdicts.filter((v) => v.verdict !== 'safe').map((v) => `${v.invariant}:${v.verdict}`);

for (const c of CASES) {
  test(`${c.file} gives the verdicts of ${c.protocol}`, async () => {
    const text = fixtureText(c.file);
    const ex = await extract(text, c.packet, c.put);
    // The fixtures use only what the model represents exactly.
    assert.deepEqual(ex.unmodelled, [], `${c.file}: ${JSON.stringify(ex.unmodelled)}`);
    for (const [packets, puts] of SCENARIOS) {
      const ts = simulate(protocolModel(c.protocol)!, { packets, puts });
      const fromC = simulate(ex.model, { packets, puts });
      assert.ok(ts.stats.complete && fromC.stats.complete, `${c.protocol} ${packets}x${puts}: both searches complete`);
      assert.deepEqual(broken(fromC), broken(ts), `${c.protocol} ${packets}x${puts}`);
      assert.equal(fromC.verdict, ts.verdict);
      // Every step of every violation points into the C file.
      for (const v of fromC.violations) for (const s of v.steps) assert.equal(s.location.uri, 'file:///t.c');
    }
  });
}

test('the cross-check is not vacuous: the broken protocols break in C too', async () => {
  const ex = await extract(fixtureText('seed_workflow.c'), 'PacketContext', 'FlowPutContext');
  const r = simulate(ex.model, { packets: 3, puts: 1 });
  assert.deepEqual(r.violations.map((v) => v.invariant).sort(), ['negative-refcount', 'stale-lookup', 'use-after-free']);
});
