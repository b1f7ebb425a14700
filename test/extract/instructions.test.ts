// Unit tests: each C construct compiles into the step instruction(s) the simulator defines, on the
// line it stands on (listings are `L<1-based line> <instruction>`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinKnowledge } from '../../src/core/apis/builtin';
import { mergeKnowledge } from '../../src/core/apis/config';
import { extract, listing, packetOps } from './helpers';

test('NDIS rw lock: read and write acquires, releases', async () => {
  const { lines } = await packetOps(`void Packet(DP *dp)
{
    LOCK_STATE_EX ls;
    NdisAcquireRWLockRead(dp->lock, &ls, 0);
    NdisReleaseRWLock(dp->lock, &ls);
    NdisAcquireRWLockWrite(dp->lock, &ls, 0);
    NdisReleaseRWLock(dp->lock, &ls);
}`);
  assert.deepEqual(lines, ['L4 acquire dp->lock (read)', 'L5 release dp->lock', 'L6 acquire dp->lock (write)', 'L7 release dp->lock', 'L8 return']);
});

test('spin locks and mutexes are exclusive; lock kinds are declared once per lock', async () => {
  const { lines, ex } = await packetOps(`void Packet(DP *dp) {
  NdisAcquireSpinLock(&dp->spin);
  NdisReleaseSpinLock(&dp->spin);
  mutex_lock(&dp->m);
  mutex_unlock(&dp->m);
  NdisAcquireRWLockRead(dp->lock, &ls, 0);
  NdisReleaseRWLock(dp->lock, &ls);
}`);
  assert.deepEqual(lines.slice(0, 4), ['L2 acquire dp->spin (write)', 'L3 release dp->spin', 'L4 acquire dp->m (write)', 'L5 release dp->m']);
  assert.deepEqual(ex.model.locks, [{ name: 'dp->spin', kind: 'mutex' }, { name: 'dp->m', kind: 'mutex' }, { name: 'dp->lock', kind: 'rw' }]);
});

test('RCU read side and grace period; OVS wrappers name the datapath lock', async () => {
  const rcu = await packetOps(`void Packet(void) {
  rcu_read_lock();
  rcu_read_unlock();
  synchronize_rcu();
}`);
  assert.deepEqual(rcu.lines, ['L2 acquire rcu (read)', 'L3 release rcu', 'L4 synchronize rcu (grace period)', 'L5 return']);
  assert.deepEqual(rcu.ex.model.locks, [{ name: 'rcu', kind: 'rcu' }]);
  const w = await packetOps(`void Packet(OVS_DATAPATH *datapath) {
  OvsAcquireDatapathWrite(datapath, &ls, FALSE);
  OvsReleaseDatapath(datapath, &ls);
}`);
  assert.deepEqual(w.lines, ['L2 acquire datapath->lock (write)', 'L3 release datapath->lock', 'L4 return']);
});

test('lookup, NULL test, writes to flow fields as uses, RemoveFlow unlinks and frees', async () => {
  const { lines } = await packetOps(`void Packet(DP *dp, KEY *key) {
  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);
  if (flow == NULL) return;
  flow->stats.packets = 1;
  RemoveFlow(dp, &flow);
}`);
  assert.deepEqual(lines, ['L2 flow = lookup F', 'L3 if (flow != NULL) goto 3', 'L3 return', 'L4 use flow (write packets)', 'L5 unlink flow', 'L5 free flow', 'L6 return']);
});

test('refcounts: Interlocked and OVS_REFCOUNT_* are atomic; ++, = x + 1 and load/store are plain', async () => {
  const { lines } = await packetOps(`void Packet(DP *dp, KEY *key) {
  OvsFlow *flow;
  LONG n;
  flow = OvsLookupFlow(dp, key, &hash, FALSE);
  InterlockedIncrement(&flow->refCount);
  OVS_REFCOUNT_REFERENCE(&flow->rc);
  flow->refCount++;
  flow->refCount = flow->refCount - 1;
  n = flow->refCount;
  flow->refCount = ++n;
  if (InterlockedDecrement(&flow->refCount) == 0) FreeFlow(flow);
}`);
  assert.deepEqual(lines, [
    'L4 flow = lookup F',
    'L5 atomic flow.refcount += 1',
    'L6 atomic flow.refcount += 1',
    'L7 rc.1 = flow.refcount',
    'L7 flow.refcount = rc.1 + 1',
    'L8 rc.2 = flow.refcount',
    'L8 flow.refcount = rc.2 - 1',
    'L9 n = flow.refcount',
    'L10 flow.refcount = n + 1',
    'L11 ref.3 = atomic flow.refcount -= 1',
    'L11 if (ref.3 != 0) goto 12',
    'L11 free flow',
    'L12 return',
  ]);
});

test('InterlockedIncrement of a counter that is not a refcount is a use of the flow', async () => {
  const { lines } = await packetOps(`void Packet(DP *dp, KEY *key) {
  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);
  InterlockedIncrement(&flow->packetCount);
}`);
  assert.deepEqual(lines, ['L2 flow = lookup F', 'L3 use flow (InterlockedIncrement)', 'L4 return']);
});

test('flags: state and deleted-style writes, a flag read into a variable, flag and refcount tests', async () => {
  const { lines } = await packetOps(`void Packet(DP *dp, KEY *key) {
  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);
  BOOLEAN live;
  flow->flag = INACTIVE;
  flow->deleted = TRUE;
  live = !flow->deleted;
  if (!live) return;
  if (flow->flag == ACTIVE) return;
  if (flow->refCount > 1) return;
}`);
  assert.deepEqual(lines, [
    'L2 flow = lookup F',
    'L4 flow.flag = INACTIVE',
    'L5 flow.flag = INACTIVE',
    'L6 flag.1 = flow.flag == ACTIVE',
    'L7 if (flag.1 != 0) goto 6',
    'L7 return',
    'L8 if (flow.flag == INACTIVE) goto 8',
    'L8 return',
    'L9 if (flow.refcount <= 1) goto 9',
    'L10 return',
  ]);
});

test('the flag convention is configurable: an active-style field', async () => {
  const { lines } = await packetOps(`/* lockstep-sim: active-field valid */
void Packet(DP *dp, KEY *key) {
  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);
  flow->valid = FALSE;
}`);
  assert.deepEqual(lines, ['L3 flow = lookup F', 'L4 flow.flag = INACTIVE', 'L5 return']);
});

test('untracked conditions become choices, loops are bounded, unknown calls are nops; all listed', async () => {
  const { lines, ex } = await packetOps(`void Packet(DP *dp, KEY *key) {
  int i;
  for (i = 0; i < n; i++) {
    Poll(dp);
  }
}`, { loopBound: 3 });
  // choice 0 runs the body, choice 1 leaves the loop; the back edge counts iterations.
  assert.deepEqual(lines, ['L3 choose: continue or goto 3', 'L4 Poll()', 'L3 loop loop@3 < 3: goto 0', 'L6 return']);
  assert.deepEqual(ex.unmodelled.map((u) => `${u.line + 1} ${u.reason}`), ['3 nondeterministic', '3 bounded-loop', '4 unknown-call']);
});

test('calls to functions of the file are inlined with their parameters bound to the flow', async () => {
  const { lines } = await packetOps(`static void Drop(OvsFlow *f) {
  if (InterlockedDecrement(&f->refCount) == 0) {
    FreeFlow(f);
  }
}
static OvsFlow *Find(DP *dp, KEY *key) {
  OvsFlow *found = OvsLookupFlow(dp, key, &hash, FALSE);
  return found;
}
void Packet(DP *dp, KEY *key) {
  OvsFlow *flow = Find(dp, key);
  if (flow != NULL) {
    Drop(flow);
  }
}`);
  assert.deepEqual(lines, [
    'L7 Find:found = lookup F',
    'L12 if (Find:found == NULL) goto 5',
    'L2 Drop:ref.1 = atomic Find:found.refcount -= 1',
    'L2 if (Drop:ref.1 != 0) goto 5',
    'L3 free Find:found',
    'L15 return',
  ]);
});

test('inlining stops at the depth limit and at recursion (listed)', async () => {
  const src = `static void Inner(OvsFlow *f) { FreeFlow(f); }
static void Outer(OvsFlow *f) { Inner(f); Outer(f); }
void Packet(DP *dp, KEY *key) {
  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);
  Outer(flow);
}`;
  const deep = await packetOps(src);
  assert.deepEqual(deep.lines, ['L4 flow = lookup F', 'L1 free flow', 'L2 Outer()', 'L6 return']);
  assert.ok(deep.ex.unmodelled.some((u) => u.reason === 'depth-limit' && u.line === 1 && /recursive/.test(u.note)));
  const shallow = await packetOps(src, { inlineDepth: 1 });
  assert.deepEqual(shallow.lines, ['L4 flow = lookup F', 'L2 Inner()', 'L2 Outer()', 'L6 return']);
});

test('Linux datapath: remove only unlinks; ovs_flow_free defers through RCU unless told not to', async () => {
  const { lines } = await packetOps(`void Packet(struct datapath *dp, struct sw_flow_match *m) {
  struct sw_flow *flow = ovs_flow_tbl_lookup_exact(&dp->table, m);
  ovs_flow_tbl_remove(&dp->table, flow);
  ovs_flow_free(flow, false);
  flow = ovs_flow_tbl_lookup_exact(&dp->table, m);
  ovs_flow_free(flow, true);
  ovs_flow_tbl_insert(&dp->table, new_flow, &mask);
}`);
  assert.deepEqual(lines, [
    'L2 flow = lookup F',
    'L3 unlink flow',
    'L4 free flow',
    'L5 flow = lookup F',
    'L6 synchronize rcu (grace period)',
    'L6 free flow',
    'L7 new_flow = insert F (refcount 1)',
    'L8 return',
  ]);
});

test('dpif-netdev: remove unlinks, marks dead and unrefs; the packet path becomes an implicit RCU reader', async () => {
  const ex = await extract(`void Packet(struct dp_netdev_pmd_thread *pmd) {
  struct dp_netdev_flow *flow = dp_netdev_pmd_lookup_flow(pmd, &key, NULL);
  dp_netdev_execute_actions(pmd, &batch, flow);
}
void Put(struct dp_netdev_pmd_thread *pmd) {
  struct dp_netdev_flow *flow = dp_netdev_pmd_lookup_flow(pmd, &key, NULL);
  dp_netdev_pmd_remove_flow(pmd, flow);
}`, 'Packet', 'Put');
  assert.deepEqual(listing(ex.model.put.functions[0]!.body), [
    'L6 flow = lookup F',
    'L7 unlink flow',
    'L7 flow.flag = INACTIVE',
    'L7 unref.1 = atomic flow.refcount -= 1',
    'L7 if (unref.1 != 0) goto 7',
    'L7 synchronize ovsrcu (grace period)',
    'L7 free flow',
    'L8 return',
  ]);
  assert.deepEqual(listing(ex.model.packet.functions[0]!.body), [
    'L1 acquire ovsrcu (read)',
    'L2 flow = lookup F',
    'L3 use flow (dp_netdev_execute_actions)',
    'L4 release ovsrcu',
    'L4 return',
  ]);
});

test('lockstep.json flowTable names and lookup-active-only directives', async () => {
  const knowledge = mergeKnowledge(builtinKnowledge(), { flowTable: { lookup: ['MyFind'], remove: ['MyUnlink'], free: ['MyFree'], use: ['MyRun'] } });
  const { lines } = await packetOps(`/* lockstep-sim: lookup-active-only MyFind */
void Packet(T *t) {
  Flow *flow = MyFind(t);
  MyRun(flow);
  MyUnlink(t, flow);
  MyFree(flow);
}`, { knowledge });
  assert.deepEqual(lines, ['L3 flow = lookup F (ACTIVE only)', 'L4 use flow (MyRun)', 'L5 unlink flow', 'L6 free flow', 'L7 return']);
});

test('OVS_REFCOUNT_DESTROY and DEREFERENCE (not defined in the file) follow the seed proposal', async () => {
  const { lines } = await packetOps(`void Packet(DP *dp, KEY *key) {
  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);
  OVS_REFCOUNT_DEREFERENCE(&flow->rc, flow);
  OVS_REFCOUNT_DESTROY(&flow->rc, flow);
}`);
  assert.deepEqual(lines, [
    'L2 flow = lookup F',
    'L3 deref.1 = atomic flow.refcount -= 1',
    'L3 if (deref.1 != 0) goto 5',
    'L3 if (flow.flag == ACTIVE) goto 5',
    'L3 free flow',
    'L4 flow.flag = INACTIVE',
    'L4 if (flow.refcount != 0) goto 8',
    'L4 free flow',
    'L5 return',
  ]);
});

test('a missing function is an error naming the functions there are', async () => {
  await assert.rejects(() => extract('void A(void) {}\nvoid B(void) {}\n', 'A', 'Nope'), /no function Nope \(--put\).*functions: A, B/);
});

test('a switch on an untracked value explores every case', async () => {
  const { lines, ex } = await packetOps(`void Packet(DP *dp, int kind) {
  switch (kind) {
  case 1: NdisAcquireSpinLock(&dp->a); break;
  default: NdisAcquireSpinLock(&dp->b); break;
  }
}`);
  assert.equal(lines.filter((l) => l.includes('choose')).length, 1);
  assert.ok(lines.includes('L3 acquire dp->a (write)') && lines.includes('L4 acquire dp->b (write)'));
  assert.ok(ex.unmodelled.some((u) => u.reason === 'nondeterministic' && u.line === 1));
});

test('RemoveFlow(dp, &flow) leaves flow NULL; assertions and logging are no steps', async () => {
  const { lines, ex } = await packetOps(`void Packet(DP *dp, KEY *key) {
  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);
  ASSERT(flow);
  OVS_LOG_INFO("removing %p", flow);
  RemoveFlow(dp, &flow);
  if (flow != NULL) {
    FreeFlow(flow);
  }
}`);
  // On this path flow is NULL after RemoveFlow: the test is decided, the FreeFlow never runs.
  assert.deepEqual(lines, ['L2 flow = lookup F', 'L5 unlink flow', 'L5 free flow', 'L6 return']);
  assert.deepEqual(ex.unmodelled, []);
});

test('a test stored in a variable: flag and refcount tests read memory where they are assigned', async () => {
  const { lines } = await packetOps(`void Packet(DP *dp, KEY *key) {
  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);
  BOOLEAN dead = flow->flag == INACTIVE;
  BOOLEAN last = flow->refCount == 1;
  if (!dead && last) FreeFlow(flow);
}`);
  assert.deepEqual(lines, [
    'L2 flow = lookup F',
    'L3 dead = flow.flag == ACTIVE',
    'L4 last = flow.refcount',
    // dead is true when the flag register is 0 (INACTIVE); either test failing skips the free.
    'L5 if (dead == 0) goto 6',
    'L5 if (last != 1) goto 6',
    'L5 free flow',
    'L6 return',
  ]);
});

test('a long generated function with many loops and branches compiles in bounded time', async () => {
  const body = Array.from({ length: 300 }, (_, i) => `  for (i = 0; i < n${i}; i++) { if (x${i}) { InterlockedIncrement(&flow->refCount); } else { Poll${i % 7}(dp); } }`).join('\n');
  const t0 = Date.now();
  const { ops, ex } = await packetOps(`void Packet(DP *dp, KEY *key) {\n  OvsFlow *flow = OvsLookupFlow(dp, key, &hash, FALSE);\n  int i;\n${body}\n}`);
  assert.ok(Date.now() - t0 < 60_000, `took ${Date.now() - t0} ms`);
  assert.equal(ops.filter((i) => i.op === 'loop').length, 300);
  assert.equal(ops.filter((i) => i.op === 'refAtomic').length, 300);
  assert.ok(ex.unmodelled.filter((u) => u.reason === 'bounded-loop').length === 300);
});

test('an entry function that takes a flow works on the table\'s flow: a lookup when it starts (listed)', async () => {
  const ex = await extract(`int Packet(struct dp_netdev_flow *flow, int unused) {
  if (!dp_netdev_flow_ref(flow)) {
    return -1;
  }
  dp_netdev_flow_unref(flow);
  return 0;
}
void Put(struct dp *dp, POVS_FLOW f, struct flow_key *key) {
  RemoveEntryList(&f->ListEntry);
}`, 'Packet', 'Put');
  assert.deepEqual(listing(ex.model.put.functions[0]!.body), ['L8 f = lookup F', 'L9 unlink f', 'L10 return']);
  assert.equal(listing(ex.model.packet.functions[0]!.body)[0], 'L1 flow = lookup F');
  assert.deepEqual(ex.unmodelled.filter((u) => /flow parameter/.test(u.note)).map((u) => `${u.context} ${u.text}`), ['packet flow', 'put f']);
});
