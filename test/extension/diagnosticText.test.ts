import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinKnowledge } from '../../src/core/apis/builtin';
import type { Finding } from '../../src/core/findings';
import { analyzeFiles } from '../../src/core/project';
import { explainingSteps, plainMessage, unquoteCode } from '../../src/extension/diagnosticText';
import { testParser } from '../helpers/grammar';

async function findings(text: string): Promise<Finding[]> {
  return analyzeFiles(await testParser(), [{ uri: 'file:///t.c', text }], { knowledge: builtinKnowledge() }).findings;
}

const line = (s: { range: { start: { line: number } }; message: string }): string => `${s.range.start.line + 1}: ${s.message}`;

test('a lock leak points at its acquire and the branch that leads out, not at the references or the branch before the lock', async () => {
  const text = [
    'int leak(struct net_device *dev, spinlock_t *l, int debug, int x)',
    '{',
    '\tif (debug)',
    '\t\tprintk("x");',
    '\tdev_hold(dev);',
    '\tspin_lock(l);',
    '\tif (x) {',
    '\t\tdev_put(dev);',
    '\t\treturn -1;',
    '\t}',
    '\tspin_unlock(l);',
    '\tdev_put(dev);',
    '\treturn 0;',
    '}',
    '',
  ].join('\n');
  const [f, ...rest] = await findings(text);
  assert.deepEqual(rest, []);
  assert.equal(f!.ruleId, 'lock-leak');
  // The engine's path has all of it; the diagnostic keeps what explains the leak.
  assert.deepEqual(f!.path.map(line), ['3: `debug` is false', '5: reference to `dev` taken (dev_hold)', '6: `l` taken (spin_lock)', '7: `x` is true',
    "8: reference to `dev` dropped (dev_put); the caller's keeps it", '9: returns `-1`', '9: exit with `l` still held']);
  assert.deepEqual(f!.related.map(line), ['6: `l` acquired here (spin_lock)', '7: branch taken: `x` is true']);
  assert.deepEqual(explainingSteps(f!).map(line), [], 'the acquire and the branch are related locations already; nothing else explains it');
  assert.equal(plainMessage(f!), "'l' taken at line 6 (spin_lock) is still held at the return on line 9");
});

test('a release that mismatches on every path points at its acquire only: no branch, however many the path met', async () => {
  const text = [
    'void mismatch(struct tbl *t, int verbose, int more)',
    '{',
    '\tunsigned long flags;',
    '\tif (verbose)',
    '\t\tprintk("v");',
    '\tspin_lock_irqsave(&t->lock, flags);',
    '\tif (more)',
    '\t\tt->n++;',
    '\tspin_unlock(&t->lock);',
    '}',
    '',
  ].join('\n');
  const all = await findings(text);
  assert.deepEqual(all.map((f) => f.ruleId), ['release-mismatch']);
  const f = all[0]!;
  assert.ok(f.path.some((s) => /is (true|false)$/.test(s.message)), 'the engine\'s path has branches');
  assert.deepEqual(explainingSteps(f).map(line), []);
  assert.deepEqual(f.related.map(line), ['6: acquired here (spin_lock_irqsave)']);
  assert.doesNotMatch(plainMessage(f), /`/);
});

test('a leak that depends on two decisions after the lock keeps both; the other lock\'s events are not its steps', async () => {
  const text = [
    'int two(spinlock_t *a, spinlock_t *b, int x, int y)',
    '{',
    '\tspin_lock(a);',
    '\tspin_lock(b);',
    '\tspin_unlock(b);',
    '\tif (x) {',
    '\t\tif (y)',
    '\t\t\treturn 1;',
    '\t}',
    '\tspin_unlock(a);',
    '\treturn 0;',
    '}',
    '',
  ].join('\n');
  const [f, ...rest] = await findings(text);
  assert.deepEqual(rest, []);
  assert.match(f!.message, /^`a` taken at line 3/);
  const shown = [...f!.related.map(line), ...explainingSteps(f!).map(line)];
  assert.ok(shown.some((s) => /^6: .*`x` is true/.test(s)), shown.join('\n'));
  assert.ok(shown.some((s) => /^7: .*`y` is true/.test(s)), shown.join('\n'));
  assert.ok(!shown.some((s) => /`b`/.test(s)), shown.join('\n'));
});

test('plain messages: code in quotes, no `(file.c:N)` places (related locations show them), no branch clause', () => {
  const lockOrder = 'lock order cycle between `&dp->lock` and `&vp->lock`: `dp_port_add` takes `&vp->lock` while holding `&dp->lock` (test/fixtures/order/abba.set/datapath.c:7); `vport_detach` takes `&dp->lock` while holding `&vp->lock` (vport.c:9) — two threads taking them in these orders can deadlock';
  assert.equal(plainMessage({ message: lockOrder }),
    "lock order cycle between '&dp->lock' and '&vp->lock': 'dp_port_add' takes '&vp->lock' while holding '&dp->lock'; 'vport_detach' takes '&dp->lock' while holding '&vp->lock' — two threads taking them in these orders can deadlock");
  assert.equal(plainMessage({ message: '`&vp->mutex` is released (mutex_unlock) where it is not held: it has not been acquired on this path, reached when `ret` (line 44) is true' }),
    "'&vp->mutex' is released (mutex_unlock) where it is not held: it has not been acquired on this path");
  assert.equal(unquoteCode('`a` and `b`'), "'a' and 'b'");
});
