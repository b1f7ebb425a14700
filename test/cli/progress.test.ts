import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Progress } from '../../src/cli/progress';

/** Issue 21 item 6: a long run printed nothing until done; progress goes to a terminal's stderr only. */
function until(cond: () => boolean, ceilingMs = 30_000): Promise<void> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) resolve();
      else if (performance.now() - t0 > ceilingMs) reject(new Error('condition not met'));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

test('on a terminal: after the delay one line is redrawn in place, and erased at the end', async () => {
  const writes: string[] = [];
  const p = new Progress({ isTTY: true, write: (s: string) => writes.push(s) }, () => 'lockstep: analysing 3 files (120 lines)…', { afterMs: 20, everyMs: 10 });
  assert.equal(p.active, true);
  await until(() => writes.length >= 2);
  p.done();
  assert.ok(writes[0]!.startsWith('\r\x1b[Klockstep: analysing 3 files (120 lines)… '), JSON.stringify(writes[0]));
  assert.match(writes[0]!, / \d+ s$/);
  assert.equal(writes.at(-1), '\r\x1b[K');
  const n = writes.length;
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(writes.length, n, 'nothing after done()');
});

test('not a terminal (a pipe, a file, CI logs): never anything, whatever the time', () => {
  const writes: string[] = [];
  const p = new Progress({ isTTY: false, write: (s: string) => writes.push(s) }, () => 'x', { afterMs: 0 });
  assert.equal(p.active, false);
  p.done();
  assert.deepEqual(writes, []);
  assert.equal(new Progress({ write: () => undefined }, () => 'x').active, false);
});

test('a run that ends before the delay prints nothing', () => {
  const writes: string[] = [];
  const p = new Progress({ isTTY: true, write: (s: string) => writes.push(s) }, () => 'x', { afterMs: 60_000 });
  p.done();
  assert.deepEqual(writes, []);
});
