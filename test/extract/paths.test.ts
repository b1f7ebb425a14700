// Extraction over paths: a variable's value is what the path assigned, never what an earlier branch
// in source order did; extraction across files; a function that relies on its callers' lock runs
// under it, and says so.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractModelFromFiles } from '../../src/core/extract/extract';
import { ExtractError } from '../../src/core/extract/types';
import type { ExtractedModel } from '../../src/core/extract/types';
import { compileModel } from '../../src/core/sim/compile';
import { enabledSteps } from '../../src/core/sim/explore';
import { scenarioOf, simulate } from '../../src/core/sim/simulate';
import { execute } from '../../src/core/sim/step';
import { extract, fixtureText, lineOf, packetOps, sharedParser } from './helpers';

const verdicts = (ex: ExtractedModel, packets: number, puts: number): string[] =>
  simulate(ex.model, { packets, puts }).verdicts.map((v) => `${v.invariant}:${v.verdict}`);

test('the INACTIVE mark after RemoveFlow in the other branch happens: no stale lookup at 2x1, same verdicts in both branch orders', async () => {
  const a = await extract(fixtureText('lost_update_remove_flow.c'), 'PacketContext', 'FlowPutContext');
  const b = await extract(fixtureText('lost_update_remove_flow_swapped.c'), 'PacketContext', 'FlowPutContext');
  assert.deepEqual(a.unmodelled, []);
  assert.deepEqual(b.unmodelled, []);
  for (const ex of [a, b]) {
    // The mark branch writes the flag of the flow the put found (not of a NULL left by the other branch).
    assert.ok(ex.model.put.functions[0]!.body.some((i) => i.op === 'flagWrite' && i.flow === 'flow'));
    const r = simulate(ex.model, { packets: 2, puts: 1 });
    assert.deepEqual(r.violations.map((v) => v.invariant), ['use-after-free', 'negative-refcount'], 'the lost update, and nothing stale');
  }
  for (const [p, u] of [[2, 1], [2, 2], [3, 1]] as const) assert.deepEqual(verdicts(a, p, u), verdicts(b, p, u), `${p}x${u}`);
});

test('a NULL on one path and the flow on another meet in one register, with a copy on the NULL path only', async () => {
  const { lines } = await packetOps(`void Packet(DP *dp, KEY *key, int c) {
  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);
  if (c) {
    flow = NULL;
  }
  if (flow != NULL) {
    OvsActionsExecute(flow);
  }
}`);
  assert.deepEqual(lines, [
    'L2 flow = lookup F',
    'L3 choose: continue or goto 3',
    'L4 flow = NULL',
    'L6 if (flow == NULL) goto 5',
    'L7 use flow (OvsActionsExecute)',
    'L9 return',
  ]);
});

test('a function returning NULL on one path and the flow on another: the caller sees which', async () => {
  const { lines, ex } = await packetOps(`static OvsFlow *Find(DP *dp, KEY *key) {
  OvsFlow *f = OvsLookupFlow(dp, key, &hash, FALSE);
  if (f == NULL || f->flags == FLOW_INACTIVE) {
    return NULL;
  }
  return f;
}
void Packet(DP *dp, KEY *key) {
  OvsFlow *flow = Find(dp, key);
  if (flow) {
    OvsActionsExecute(flow);
  }
}`);
  assert.deepEqual(ex.unmodelled, []);
  // The INACTIVE path returns NULL: the caller's test is on a register that path sets to NULL.
  assert.ok(lines.includes('L4 Find:$ret = NULL'), lines.join('\n'));
  assert.ok(lines.some((l) => /^L10 if \(Find:\$ret == NULL\)/.test(l)), lines.join('\n'));
});

test('a flow found again in each round of a loop: the loop body starts from the register the back edge fills', async () => {
  const { ex } = await packetOps(`void Packet(DP *dp, KEY *key) {
  OvsFlow *flow = NULL;
  int tries;
  for (tries = 0; tries < 3; tries++) {
    flow = OvsLookupFlow(dp, key, &hash, FALSE);
    if (flow != NULL) break;
  }
  if (flow != NULL) {
    OvsActionsExecute(flow);
  }
}`, { loopBound: 2 });
  const r = simulate(ex.model, { packets: 1, puts: 0 });
  assert.equal(r.verdict, 'safe');
  // With the flow in the table the first round finds it and the packet uses it.
  const m = compileModel(ex.model, scenarioOf({ packets: 1, puts: 0 }));
  let s = m.initial;
  const ops: string[] = [];
  for (let i = 0; i < 50; i++) {
    const step = enabledSteps(m, s)[0];
    if (step === undefined) break;
    const pc = s[m.contexts[0]!.base]!;
    ops.push(m.packet.code[pc]!.src.op);
    s = execute(m, s, step.ctx, step.choice < 0 ? -1 : 0, false).next;
  }
  assert.ok(ops.includes('use'), ops.join(' '));
});

const FLOW = fixtureText('flow_put_modify_delete.c');
const AFTER_UNLOCK = fixtureText('packet_after_unlock.c');
const DP_URI = 'file:///flow_put_modify_delete.c';
const PKT_URI = 'file:///packet_after_unlock.c';

async function twoFiles(packet: { name: string; uri: string }, put: { name: string; uri: string }): Promise<ExtractedModel> {
  return extractModelFromFiles(await sharedParser(), [{ uri: DP_URI, text: FLOW }, { uri: PKT_URI, text: AFTER_UNLOCK }], packet, put);
}

/** Lines at which the put, running alone, frees a flow on some path. */
function freeLines(ex: ExtractedModel): number[] {
  const m = compileModel(ex.model, scenarioOf({ packets: 0, puts: 1 }));
  const lines = new Set<number>();
  const walk = (s: readonly number[], depth: number): void => {
    if (depth > 200) return;
    for (const step of enabledSteps(m, s)) {
      const c = m.contexts[step.ctx]!;
      const code = c.program.code[s[c.base]!]!;
      const out = execute(m, s, step.ctx, step.choice, false);
      if (code.src.op === 'free' && out.next.some((v, i) => v !== s[i])) lines.add(code.loc.line);
      walk(out.next, depth + 1);
    }
  };
  walk(m.initial, 0);
  return [...lines].sort((x, y) => x - y);
}

test('the modify branch does not hide the delete branch: both free the flow (RemoveFlow in each)', async () => {
  const ex = await twoFiles({ name: 'DpGetFlow', uri: DP_URI }, { name: 'DpPutFlow', uri: DP_URI });
  assert.deepEqual(freeLines(ex), [lineOf(FLOW, 'modify: the old flow goes'), lineOf(FLOW, 'delete: after the modify branch')]);
  for (const [p, u] of [[1, 1], [2, 1], [1, 2]] as const) assert.equal(simulate(ex.model, { packets: p, puts: u }).verdict, 'safe', `${p}x${u}`);
});

test('a packet path in another file that uses the flow after dropping the lock is caught through the delete path', async () => {
  const ex = await twoFiles({ name: 'DpPacketPath', uri: PKT_URI }, { name: 'DpPutFlow', uri: DP_URI });
  assert.equal(ex.model.name, 'packet_after_unlock.c:DpPacketPath+flow_put_modify_delete.c:DpPutFlow');
  const r = simulate(ex.model, { packets: 1, puts: 1 });
  const v = r.violations.find((x) => x.invariant === 'use-after-free')!;
  assert.equal(v.steps[v.at]!.location.uri, PKT_URI);
  assert.equal(v.steps[v.at]!.location.line, lineOf(AFTER_UNLOCK, 'BUG: the flow may be freed'));
  const free = v.steps.find((s) => s.op === 'free')!;
  assert.deepEqual([free.location.uri, free.location.line], [DP_URI, lineOf(FLOW, 'delete: after the modify branch')]);
});

test("a put helper that relies on its caller's lock runs under it, and the model says so", async () => {
  const ex = await twoFiles({ name: 'DpGetFlow', uri: DP_URI }, { name: 'DpHandlePut', uri: DP_URI });
  const assumed = ex.unmodelled.filter((u) => u.reason === 'assumed');
  assert.equal(assumed.length, 1);
  assert.equal(assumed[0]!.context, 'put');
  assert.match(assumed[0]!.note, new RegExp(`^DpHandlePut runs under dp->lock \\(write\\): every caller holds it \\(DpPutFlow, flow_put_modify_delete\\.c:${lineOf(FLOW, 'the helper runs under the write lock') + 1}\\)`));
  assert.deepEqual(ex.model.put.functions[0]!.body.filter((i) => i.op === 'acquire' || i.op === 'release').map((i) => i.op), ['acquire', 'release']);
  assert.equal(simulate(ex.model, { packets: 2, puts: 1 }).verdict, 'safe');
});

test('a lock contract on the function is taken as held', async () => {
  const text = `_Requires_exclusive_lock_held_(dp->lock)
static VOID Put(DP *dp, KEY *key) {
  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);
  if (flow) RemoveFlow(dp, &flow);
}
VOID Packet(DP *dp, KEY *key) {
  LOCK_STATE_EX ls;
  NdisAcquireRWLockRead(dp->lock, &ls, 0);
  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);
  if (flow) OvsActionsExecute(flow);
  NdisReleaseRWLock(dp->lock, &ls);
}`;
  const ex = await extract(text, 'Packet', 'Put');
  assert.match(ex.unmodelled.find((u) => u.reason === 'assumed')!.note, /^Put runs under dp->lock \(write\): its contract says so \(_Requires_exclusive_lock_held_\(dp->lock\)\)/);
  assert.equal(simulate(ex.model, { packets: 2, puts: 1 }).verdict, 'safe');
});

test('compiling honours a time limit: a function too large for it is refused with one line', async () => {
  const branches = Array.from({ length: 3000 }, (_, i) => `  if (x[${i}]) OvsActionsExecute(flow);`).join('\n');
  const text = `void Packet(DP *dp, KEY *key, int *x) {\n  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);\n${branches}\n}\nvoid Put(void) { }\n`;
  await assert.rejects(() => extract(text, 'Packet', 'Put', { timeLimitMs: 0 }), (e: unknown) => e instanceof ExtractError && /^compiling Packet took longer than the time limit/.test(e.message));
});
