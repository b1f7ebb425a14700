import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import type { Finding } from '../../../src/core/findings';
import { applyEdits } from '../../../src/core/fixes/applyEdits';
import { analyzeFiles } from '../../../src/core/project';
import { testParser } from '../../helpers/grammar';

const knowledge = builtinKnowledge();

async function findings(uri: string, text: string): Promise<Finding[]> {
  return analyzeFiles(await testParser(), [{ uri, text }], { knowledge, fixes: true }).findings;
}

async function useAfterUnlock(uri: string, text: string, fn: string): Promise<Finding> {
  const found = (await findings(uri, text)).filter((f) => f.ruleId === 'use-after-unlock' && f.functionName === fn);
  assert.equal(found.length, 1, `one use-after-unlock in ${fn}`);
  return found[0]!;
}

// NDIS: the packet path looks a flow up under the datapath's RW lock; the stats path (another function)
// shows how this code takes a reference on a POVS_FLOW.
const NDIS = [
  'typedef struct _OVS_FLOW { LONG refCount; UINT64 packetCount; } OVS_FLOW, *POVS_FLOW;',
  '',
  'VOID',
  'OvsFlowStatsRead(POVS_FLOW f)',
  '{',
  '\tInterlockedIncrement(&f->refCount);',
  '\tOvsReportStats(f);',
  '\tInterlockedDecrement(&f->refCount);',
  '}',
  '',
  'VOID',
  'OvsPacketPath(POVS_DATAPATH datapath, POVS_FLOW_KEY key)',
  '{',
  '\tLOCK_STATE_EX lockState;',
  '\tPOVS_FLOW flow;',
  '',
  '\tNdisAcquireRWLockRead(datapath->lock, &lockState, 0);',
  '\tflow = OvsLookupFlow(datapath, key);',
  '\tNdisReleaseRWLock(datapath->lock, &lockState);',
  '\tif (flow != NULL) {',
  '\t\tflow->packetCount++;',
  '\t\tOvsActionsExecute(flow);',
  '\t}',
  '}',
  '',
].join('\n');

test('use-after-unlock: "take a reference before the unlock" with the get this file applies to the same type', async () => {
  const f = await useAfterUnlock('file:///ndis.c', NDIS, 'OvsPacketPath');
  const fix = f.fixes?.[0];
  assert.ok(fix, 'a fix');
  assert.equal(fix.title, 'Take a reference on flow before the unlock: `InterlockedIncrement(&flow->refCount)` (then put it after the last use)');
  assert.equal(fix.isPreferred, true);
  const fixed = applyEdits(NDIS, fix.edits);
  assert.equal(fixed, NDIS.replace('\tNdisReleaseRWLock(datapath->lock, &lockState);\n',
    '\tif (flow)\n\t\tInterlockedIncrement(&flow->refCount);\n\tNdisReleaseRWLock(datapath->lock, &lockState);\n'));
  // The use is now covered; what remains is the put the reference needs (the ref-leak and its own fix).
  const after = (await findings('file:///ndis.c', fixed)).filter((x) => x.functionName === 'OvsPacketPath');
  assert.deepEqual(after.map((x) => x.ruleId), ['ref-leak']);
  assert.ok(after[0]!.fixes?.length, 'the ref-leak offers its own fix (the put)');
});

test('use-after-unlock: the second fix moves the unlock below the last use, and the function is then clean', async () => {
  const f = await useAfterUnlock('file:///ndis.c', NDIS, 'OvsPacketPath');
  const move = f.fixes?.[1];
  assert.ok(move);
  assert.equal(move.title, 'Move the unlock down to after line 23, past the last use of flow');
  assert.equal(move.isPreferred, false);
  const fixed = applyEdits(NDIS, move.edits);
  assert.equal(fixed, NDIS.replace('\tNdisReleaseRWLock(datapath->lock, &lockState);\n', '')
    .replace('\t\tOvsActionsExecute(flow);\n\t}\n', '\t\tOvsActionsExecute(flow);\n\t}\n\tNdisReleaseRWLock(datapath->lock, &lockState);\n'));
  assert.deepEqual((await findings('file:///ndis.c', fixed)).filter((x) => x.functionName === 'OvsPacketPath').map((x) => x.ruleId), []);
});

// OVS userspace: nothing in the file takes a reference on a struct port, so only the move is offered.
const USERSPACE = [
  'struct port {',
  '    struct hmap_node node;',
  '    struct ovs_refcount ref_cnt;',
  '    int rx;',
  '};',
  '',
  'static struct ovs_mutex port_mutex = OVS_MUTEX_INITIALIZER;',
  '',
  'void',
  'port_count_rx(struct hmap *ports, int no)',
  '{',
  '    struct port *port;',
  '',
  '    ovs_mutex_lock(&port_mutex);',
  '    port = port_lookup(ports, no);',
  '    ovs_mutex_unlock(&port_mutex);',
  '    if (port) {',
  '        port->rx++; /* counted */',
  '    }',
  '    VLOG_DBG("port %d", no);',
  '}',
  '',
].join('\n');

test('use-after-unlock: only the move when the file shows no reference for that type; the unlock goes after the comment', async () => {
  const f = await useAfterUnlock('file:///port.c', USERSPACE, 'port_count_rx');
  assert.equal(f.fixes?.length, 1);
  const fixed = applyEdits(USERSPACE, f.fixes![0]!.edits);
  assert.equal(fixed, USERSPACE.replace('    ovs_mutex_unlock(&port_mutex);\n', '')
    .replace('    }\n    VLOG_DBG', '    }\n    ovs_mutex_unlock(&port_mutex);\n    VLOG_DBG'));
  assert.equal(f.fixes![0]!.isPreferred, true, 'the only fix is the preferred one');
  assert.deepEqual((await findings('file:///port.c', fixed)).filter((x) => x.functionName === 'port_count_rx').map((x) => x.ruleId), []);
});

test('use-after-unlock: no fix when the moved code could leave the block, when a reference is taken too late, or under RCU', async () => {
  // A return between the unlock and the use: moving the unlock past it would leak the lock.
  const early = NDIS.replace('\tif (flow != NULL) {\n\t\tflow->packetCount++;\n\t\tOvsActionsExecute(flow);\n\t}\n',
    '\tif (flow == NULL) {\n\t\treturn;\n\t}\n\tflow->packetCount++;\n');
  // …and this function already takes its reference, after the unlock: adding a second one is no fix.
  const late = early.replace('\tflow->packetCount++;\n', '\tInterlockedIncrement(&flow->refCount);\n\tOvsActionsExecute(flow);\n\tInterlockedDecrement(&flow->refCount);\n');
  for (const [name, text] of [['early return', early], ['late reference', late]] as const) {
    const f = await useAfterUnlock('file:///ndis.c', text, 'OvsPacketPath');
    const offered = (f.fixes ?? []).map((x) => x.title);
    if (name === 'late reference') assert.deepEqual(offered, [], name);
    else assert.ok(!offered.some((t) => t.startsWith('Move')), `${name}: ${offered.join(' | ')}`);
  }
  // RCU: the file knows kref_get on a struct vport, but after an RCU lookup only a try form is safe.
  const rcu = [
    'struct vport { struct kref kref; u64 rx_packets; };',
    'void vport_hold(struct vport *v)',
    '{',
    '\tkref_get(&v->kref);',
    '}',
    'u64 vport_rx(struct datapath *dp, int no)',
    '{',
    '\tstruct vport *vport;',
    '\tu64 n;',
    '',
    '\trcu_read_lock();',
    '\tvport = rcu_dereference(dp->ports[no]);',
    '\trcu_read_unlock();',
    '\tif (!vport)',
    '\t\treturn 0;',
    '\tn = vport->rx_packets;',
    '\treturn n;',
    '}',
    '',
  ].join('\n');
  const f = await useAfterUnlock('file:///vport.c', rcu, 'vport_rx');
  assert.deepEqual(f.fixes ?? [], []);
  // A get of another type is no evidence: struct port's reference says nothing about struct vport.
  const other = rcu.replace('void vport_hold(struct vport *v)', 'void port_hold(struct port *v)')
    .replace('\trcu_read_lock();', '\tspin_lock(&dp->lock);').replace('\trcu_read_unlock();', '\tspin_unlock(&dp->lock);')
    .replace('rcu_dereference(dp->ports[no])', 'dp->ports[no]');
  const g = await useAfterUnlock('file:///vport.c', other, 'vport_rx');
  assert.ok(!(g.fixes ?? []).some((x) => x.title.startsWith('Take a reference')), (g.fixes ?? []).map((x) => x.title).join(' | '));
});
