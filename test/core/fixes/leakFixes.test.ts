import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Parser } from 'web-tree-sitter';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import { parseC } from '../../../src/core/c/parse';
import type { Finding, RuleId } from '../../../src/core/findings';
import { applyEdits } from '../../../src/core/fixes/applyEdits';
import { leakFix } from '../../../src/core/fixes/leakFixes';
import { offsetAt, posAt } from '../../../src/core/fixes/syntax';
import { testParser } from '../../helpers/grammar';

const knowledge = builtinKnowledge();
let parser: Parser | undefined;

async function p(): Promise<Parser> {
  parser ??= await testParser();
  return parser;
}

/** A finding shaped like the engine's: primary range on the exit, the acquire as a related location. */
function finding(text: string, ruleId: RuleId, exit: string, acquire: string, message = 'still held'): Finding {
  const exitAt = nth(text, exit);
  const acqAt = text.indexOf(acquire);
  assert.ok(exitAt >= 0 && acqAt >= 0, 'fixture markers');
  return {
    ruleId, severity: 'warning', message, uri: 'file:///t.c', functionName: 'f', key: 'k', path: [],
    range: { start: posAt(text, exitAt), end: posAt(text, exitAt + exit.replace(/#\d+$/, '').length) },
    related: [{ range: { start: posAt(text, acqAt), end: posAt(text, acqAt + acquire.length) }, message: 'acquired here' }],
  };
}

/** `return 0;#2` = the second occurrence. */
function nth(text: string, marker: string): number {
  const m = /^(.*)#(\d+)$/s.exec(marker);
  const needle = m ? m[1]! : marker;
  let at = -1;
  for (let k = m ? Number(m[2]) : 1; k > 0; k--) at = text.indexOf(needle, at + 1);
  return at;
}

async function fixed(text: string, f: Finding): Promise<string | undefined> {
  const parsed = parseC(await p(), text);
  try {
    const fix = leakFix(parsed.tree, text, f, knowledge);
    if (!fix) return undefined;
    assert.equal(fix.isPreferred, true);
    const out = applyEdits(text, fix.edits);
    const again = parseC(await p(), out);
    assert.equal(again.tree.rootNode.hasError, false, `fixed text parses cleanly:\n${out}`);
    again.tree.delete();
    return out;
  } finally {
    parsed.tree.delete();
  }
}

test('the issue fixture: an unbraced early return gets braces and the unlock', async () => {
  const text = 'int f(spinlock_t *l, int x){ spin_lock(l); if (x) return -1; spin_unlock(l); return 0; }\n';
  assert.equal(await fixed(text, finding(text, 'lock-leak', 'return -1;', 'spin_lock(l)')),
    'int f(spinlock_t *l, int x){ spin_lock(l); if (x) { spin_unlock(l); return -1; } spin_unlock(l); return 0; }\n');
});

test('an unbraced return on its own line is wrapped with the if\'s indentation', async () => {
  const text = 'int f(spinlock_t *l, int x)\n{\n\tspin_lock(l);\n\tif (x)\n\t\treturn -1;\n\tspin_unlock(l);\n\treturn 0;\n}\n';
  assert.equal(await fixed(text, finding(text, 'lock-leak', 'return -1;', 'spin_lock(l)')),
    'int f(spinlock_t *l, int x)\n{\n\tspin_lock(l);\n\tif (x) {\n\t\tspin_unlock(l);\n\t\treturn -1;\n\t}\n\tspin_unlock(l);\n\treturn 0;\n}\n');
});

test('a return inside a block gets the release on the line above, same indentation', async () => {
  const text = 'int f(struct dp *dp, int x)\n{\n    unsigned long flags;\n    spin_lock_irqsave(&dp->lock, flags);\n    if (x) {\n        log_err(x);\n        return -1;\n    }\n    spin_unlock_irqrestore(&dp->lock, flags);\n    return 0;\n}\n';
  const out = await fixed(text, finding(text, 'lock-leak', 'return -1;', 'spin_lock_irqsave(&dp->lock, flags)'));
  assert.equal(out, text.replace('        return -1;', '        spin_unlock_irqrestore(&dp->lock, flags);\n        return -1;'));
});

test('NDIS RW lock: the release reuses the LOCK_STATE_EX handle', async () => {
  const text = 'NDIS_STATUS f(POVS_DATAPATH dp)\n{\n    LOCK_STATE_EX lockState;\n    NdisAcquireRWLockWrite(dp->lock, &lockState, 0);\n    if (dp->n == 0) {\n        return NDIS_STATUS_FAILURE;\n    }\n    NdisReleaseRWLock(dp->lock, &lockState);\n    return NDIS_STATUS_SUCCESS;\n}\n';
  const out = await fixed(text, finding(text, 'lock-leak', 'return NDIS_STATUS_FAILURE;', 'NdisAcquireRWLockWrite(dp->lock, &lockState, 0)'));
  assert.match(out!, /\n {8}NdisReleaseRWLock\(dp->lock, &lockState\);\n {8}return NDIS_STATUS_FAILURE;/);
});

test('Dpr spin locks pair with the Dpr release, the OVS datapath wrapper with its wrapper', async () => {
  const dpr = 'VOID f(PCTX ctx, int x)\n{\n    NdisDprAcquireSpinLock(&ctx->lock);\n    if (x) return;\n    NdisDprReleaseSpinLock(&ctx->lock);\n}\n';
  assert.match((await fixed(dpr, finding(dpr, 'lock-leak', 'return;', 'NdisDprAcquireSpinLock(&ctx->lock)')))!, /if \(x\) \{ NdisDprReleaseSpinLock\(&ctx->lock\); return; \}/);
  const ovs = 'VOID f(POVS_DATAPATH datapath, int x)\n{\n    LOCK_STATE_EX lockState;\n    OvsAcquireDatapathRead(datapath, &lockState, FALSE);\n    if (x) return;\n    OvsReleaseDatapath(datapath, &lockState);\n}\n';
  assert.match((await fixed(ovs, finding(ovs, 'lock-leak', 'return;', 'OvsAcquireDatapathRead(datapath, &lockState, FALSE)')))!, /\{ OvsReleaseDatapath\(datapath, &lockState\); return; \}/);
});

test('Ke spin lock: the saved IRQL goes back by value; queued locks release by handle', async () => {
  const ke = 'VOID f(int x)\n{\n    KIRQL oldIrql;\n    KeAcquireSpinLock(&gLock, &oldIrql);\n    if (x) return;\n    KeReleaseSpinLock(&gLock, oldIrql);\n}\n';
  assert.match((await fixed(ke, finding(ke, 'lock-leak', 'return;', 'KeAcquireSpinLock(&gLock, &oldIrql)')))!, /\{ KeReleaseSpinLock\(&gLock, oldIrql\); return; \}/);
  const q = 'VOID f(int x)\n{\n    KLOCK_QUEUE_HANDLE h;\n    KeAcquireInStackQueuedSpinLock(&gLock, &h);\n    if (x) return;\n    KeReleaseInStackQueuedSpinLock(&h);\n}\n';
  assert.match((await fixed(q, finding(q, 'lock-leak', 'return;', 'KeAcquireInStackQueuedSpinLock(&gLock, &h)')))!, /\{ KeReleaseInStackQueuedSpinLock\(&h\); return; \}/);
});

test('implicit global locks: rtnl_lock() is released by rtnl_unlock()', async () => {
  const text = 'int f(int x)\n{\n    rtnl_lock();\n    if (x)\n        goto out;\n    rtnl_unlock();\nout:\n    return x;\n}\n';
  const out = await fixed(text, finding(text, 'lock-leak', 'goto out;', 'rtnl_lock()'));
  assert.equal(out, 'int f(int x)\n{\n    rtnl_lock();\n    if (x) {\n        rtnl_unlock();\n        goto out;\n    }\n    rtnl_unlock();\nout:\n    return x;\n}\n');
});

test('falling off the end of a void function: the release goes before the closing brace', async () => {
  const text = 'void f(struct mutex *m)\n{\n    mutex_lock(m);\n    work();\n}\n';
  const f = finding(text, 'lock-leak', '}', 'mutex_lock(m)');
  assert.equal(await fixed(text, f), 'void f(struct mutex *m)\n{\n    mutex_lock(m);\n    work();\n    mutex_unlock(m);\n}\n');
});

test('with two locks held, the one the message names is released', async () => {
  const text = 'int f(struct a *a, struct b *b)\n{\n    spin_lock(&a->lock);\n    mutex_lock(&b->mutex);\n    if (a->x) {\n        spin_unlock(&a->lock);\n        return 1;\n    }\n    mutex_unlock(&b->mutex);\n    spin_unlock(&a->lock);\n    return 0;\n}\n';
  const f = finding(text, 'lock-leak', 'return 1;', 'spin_lock(&a->lock)', '`&b->mutex` taken at line 4 is still held at the return on line 7');
  f.related.push({ range: { start: posAt(text, text.indexOf('mutex_lock')), end: posAt(text, text.indexOf('mutex_lock') + 10) }, message: 'acquired here' });
  assert.match((await fixed(text, f))!, /spin_unlock\(&a->lock\);\n {8}mutex_unlock\(&b->mutex\);\n {8}return 1;/);
});

test('without a related location the last acquire before the exit is used', async () => {
  const text = 'int f(pthread_mutex_t *m, int x)\n{\n    pthread_mutex_lock(m);\n    if (x) {\n        return -1;\n    }\n    pthread_mutex_unlock(m);\n    return 0;\n}\n';
  const f = finding(text, 'lock-leak', 'return -1;', 'pthread_mutex_lock(m)');
  f.related = [];
  assert.match((await fixed(text, f))!, /pthread_mutex_unlock\(m\);\n {8}return -1;/);
});

test('ref-leak: the missing put for a get, for a lookup that returns a reference, for the seed macros', async () => {
  const hold = 'int f(struct net_device *dev, int x)\n{\n    dev_hold(dev);\n    if (x)\n        return -EINVAL;\n    dev_put(dev);\n    return 0;\n}\n';
  assert.match((await fixed(hold, finding(hold, 'ref-leak', 'return -EINVAL;', 'dev_hold(dev)')))!, /if \(x\) \{\n {8}dev_put\(dev\);\n {8}return -EINVAL;\n {4}\}/);
  const lookup = 'int f(struct net *net, const char *name)\n{\n    struct net_device *dev = dev_get_by_name(net, name);\n    if (!dev)\n        return -ENODEV;\n    if (dev->mtu < 68) {\n        return -EINVAL;\n    }\n    dev_put(dev);\n    return 0;\n}\n';
  assert.match((await fixed(lookup, finding(lookup, 'ref-leak', 'return -EINVAL;', 'dev_get_by_name(net, name)')))!, /dev_put\(dev\);\n {8}return -EINVAL;/);
  const seed = 'VOID f(POVS_FLOW flow, int x)\n{\n    OVS_REFCOUNT_REFERENCE(flow);\n    if (x) { return; }\n    OVS_REFCOUNT_DEREFERENCE(flow);\n}\n';
  assert.match((await fixed(seed, finding(seed, 'ref-leak', 'return;', 'OVS_REFCOUNT_REFERENCE(flow)')))!, /\{ OVS_REFCOUNT_DEREFERENCE\(flow\); return; \}/);
});

test('no fix is offered when the knowledge cannot say how to release', async () => {
  const kref = 'int f(struct obj *o, int x)\n{\n    kref_get(&o->ref);\n    if (x) return 1;\n    kref_put(&o->ref, obj_release);\n    return 0;\n}\n';
  assert.equal(await fixed(kref, finding(kref, 'ref-leak', 'return 1;', 'kref_get(&o->ref)')), undefined);
  const unknown = 'int f(int x)\n{\n    my_lock();\n    if (x) return 1;\n    my_unlock();\n    return 0;\n}\n';
  assert.equal(await fixed(unknown, finding(unknown, 'lock-leak', 'return 1;', 'my_lock()')), undefined);
  const other = 'int f(int x)\n{\n    return x;\n}\n';
  const f = finding(other, 'lock-leak', 'return x;', 'return');
  f.ruleId = 'double-acquire';
  assert.equal(await fixed(other, f), undefined);
});

test('offsetAt and posAt are inverse on every offset', () => {
  const text = 'a\n\tbé\n\n}';
  for (let i = 0; i <= text.length; i++) assert.equal(offsetAt(text, posAt(text, i)), i);
});

test('every built-in acquire has a release the fix can write', async () => {
  const { releaseCallFor } = await import('../../../src/core/fixes/matchingCalls');
  const missing: string[] = [];
  for (const a of knowledge.locks.filter((l) => l.kind === 'acquire' || l.kind === 'tryacquire')) {
    const call = releaseCallFor(knowledge, { name: a.name, args: ['L0', '&H1', 'A2', 'A3'], node: undefined as never, assignedTo: 'ret' });
    if (!call) missing.push(a.name);
  }
  assert.deepEqual(missing, []);
  const pick = (name: string): string | undefined => releaseCallFor(knowledge, { name, args: ['L0', '&H1', 'A2'], node: undefined as never, assignedTo: 'ret' });
  assert.equal(pick('ExAcquireResourceSharedLite'), 'ExReleaseResourceLite(L0);');
  assert.equal(pick('ExAcquirePushLockSharedEx'), 'ExReleasePushLockSharedEx(L0);');
  assert.equal(pick('srcu_read_lock'), 'srcu_read_unlock(L0, ret);');
  assert.equal(pick('NdisAcquireReadWriteLock'), 'NdisReleaseReadWriteLock(L0, A2);');
  assert.equal(pick('not_a_lock'), undefined);
});

async function engineFindings(text: string): Promise<Finding[]> {
  const { analyzeFiles: analyzeSet } = await import('../../../src/core/project');
  return analyzeSet(await p(), [{ uri: 'file:///t.c', text }], { knowledge }).findings;
}

const LADDER = 'int f(struct dp *dp, int x)\n{\n\tint err = 0;\n\n\tspin_lock(&dp->lock);\n\tif (x) {\n\t\terr = -EINVAL;\n\t\tgoto out;\n\t}\n\twork(dp);\nout_unlock:\n\tspin_unlock(&dp->lock);\nout:\n\treturn err;\n}\n';

test('a goto past the unlock label is retargeted to it (preferred), never an unlock under the shared label', async () => {
  const [leak] = await engineFindings(LADDER);
  assert.equal(leak?.ruleId, 'lock-leak');
  const parsed = parseC(await p(), LADDER);
  try {
    const { leakFixes } = await import('../../../src/core/fixes/leakFixes');
    const fixes = leakFixes(parsed.tree, LADDER, leak!, knowledge);
    assert.equal(fixes.length, 2);
    assert.equal(fixes[0]!.isPreferred, true);
    assert.match(fixes[0]!.title, /Jump to `out_unlock`/);
    assert.equal(applyEdits(LADDER, fixes[0]!.edits), LADDER.replace('goto out;', 'goto out_unlock;'));
    // The other fix puts the unlock on the jumping path only, not under `out:` (the normal path unlocks already).
    assert.equal(fixes[1]!.isPreferred, false);
    assert.equal(applyEdits(LADDER, fixes[1]!.edits), LADDER.replace('\t\tgoto out;', '\t\tspin_unlock(&dp->lock);\n\t\tgoto out;'));
    // Both fixes leave no finding behind.
    for (const fix of fixes) assert.deepEqual(await engineFindings(applyEdits(LADDER, fix.edits)), []);
  } finally {
    parsed.tree.delete();
  }
});

test('with two gotos to the shared label and no way to tell which leaks, no insertion is offered', async () => {
  const text = 'int f(struct dp *dp, int x)\n{\n\tint err = 0;\n\n\tif (x > 2)\n\t\tgoto out;\n\tspin_lock(&dp->lock);\n\tif (x) {\n\t\terr = -EINVAL;\n\t\tgoto out;\n\t}\n\tif (x < 0)\n\t\tgoto out;\n\tspin_unlock(&dp->lock);\nout:\n\treturn err;\n}\n';
  const leak = (await engineFindings(text)).find((f) => f.ruleId === 'lock-leak');
  assert.ok(leak);
  const parsed = parseC(await p(), text);
  try {
    const f = { ...leak, path: [] };
    assert.equal(leakFix(parsed.tree, text, f, knowledge), undefined);
    // With the engine's path (`x` is true) the jumping branch is known: the unlock goes before that goto.
    const fix = leakFix(parsed.tree, text, leak, knowledge);
    assert.ok(fix);
    assert.equal(applyEdits(text, fix.edits), text.replace('\t\terr = -EINVAL;\n\t\tgoto out;', '\t\terr = -EINVAL;\n\t\tspin_unlock(&dp->lock);\n\t\tgoto out;'));
  } finally {
    parsed.tree.delete();
  }
});
