import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { lossy, utf8 } from './lib/bytes';
import { generateNamed } from './lib/hostileC';
import { makeInput } from './lib/harness';
import { minimise } from './lib/minimise';
import { FuzzWorker } from './lib/pool';
import { Prng } from './lib/prng';

describe('fuzz harness pieces', () => {
  test('the same seed gives the same inputs; another seed gives others', () => {
    const seeds = [utf8('int f(void) { spin_lock(&l); return 0; }\n')];
    const make = (seed: number): string[] => {
      const rng = new Prng(seed);
      return Array.from({ length: 30 }, () => lossy(makeInput('c', rng.fork(), seeds, 0, ['seed-workflow']).bytes));
    };
    assert.deepEqual(make(5), make(5));
    assert.notDeepEqual(make(5), make(6));
  });

  test('minimise keeps only the lines and characters the failure needs', async () => {
    const input = utf8('line one\nline two\nint x = BOOM;\nline four\nline five\n');
    const { bytes } = await minimise(input, (b) => Promise.resolve(lossy(b).includes('BOOM')), { maxTests: 1000, maxMs: 10_000 });
    assert.equal(lossy(bytes), 'BOOM');
  });

  test('minimise stops at its budget and returns an input that still fails', async () => {
    const input = utf8(Array.from({ length: 200 }, (_, i) => `l${i}`).join('\n'));
    const { bytes, tests } = await minimise(input, (b) => Promise.resolve(lossy(b).includes('l77')), { maxTests: 5, maxMs: 10_000 });
    assert.ok(tests <= 5);
    assert.ok(lossy(bytes).includes('l77'));
  });

  test('the named hostile generators have the sizes the issue asks for', () => {
    const rng = new Prng(1);
    let depth = 0;
    let deepest = 0;
    for (const ch of generateNamed('nested-blocks', rng, true)) {
      if (ch === '{') deepest = Math.max(deepest, ++depth);
      else if (ch === '}') depth--;
    }
    assert.equal(deepest, 10_000 + 1, 'the blocks plus the function body');
    assert.equal((generateNamed('huge-switch', rng, true).match(/\bcase \d+:/g) ?? []).length, 100_000);
    assert.equal((generateNamed('gotos-one-label', rng, true).match(/goto out;/g) ?? []).length, 10_000);
    const longest = Math.max(...generateNamed('long-line', rng, true).split('\n').map((l) => l.length));
    assert.ok(longest >= 1 << 20, `longest line ${longest}`);
  });
});

describe('fuzz worker pool', () => {
  const worker = new FuzzWorker(path.join(__dirname, 'lib', 'selftestWorker.ts'), 64);
  after(() => worker.close());

  test('a hang is cut at the limit, the worker replaced, and the next input runs', { timeout: 180_000 }, async () => {
    assert.equal((await worker.run('c', utf8('ping'), 20_000)).outcome, 'ok');
    const t0 = Date.now();
    const hung = await worker.run('c', utf8('hang'), 1_000);
    assert.equal(hung.outcome, 'hang');
    // Cut near the 1 s limit, not after the input's own end: a ceiling far above the limit, not a speed check.
    assert.ok(Date.now() - t0 < 60_000);
    const next = await worker.run('c', utf8('again'), 20_000);
    assert.equal(next.outcome, 'ok');
    assert.equal(next.detail, 'again');
    assert.equal(worker.restarts, 1);
  });

  test('a worker that exhausts its heap is a memory failure, and the run goes on', { timeout: 180_000 }, async () => {
    const r = await worker.run('c', utf8('oom'), 30_000);
    assert.equal(r.outcome, 'memory', r.detail);
    assert.equal((await worker.run('c', utf8('ping'), 20_000)).outcome, 'ok');
  });

  test('a worker that exits is a crash of that input', { timeout: 180_000 }, async () => {
    const r = await worker.run('c', utf8('exit'), 20_000);
    assert.equal(r.outcome, 'crash');
    assert.match(r.detail, /exit 3/);
  });
});
