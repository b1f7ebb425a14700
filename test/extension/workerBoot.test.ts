import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { repoRoot } from '../helpers/grammar';

// The analysis worker's boot loader (workerBoot.ts) with a small CommonJS script in place of the bundle:
// the script reports the loader's cache status and, when asked, has it save a cache.
const SCRIPT = `
const { parentPort } = require('node:worker_threads');
const hook = globalThis[Symbol.for('lockstep.codeCache')];
function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
parentPort.postMessage({ status: hook.status(), sum: work(1000) });
parentPort.on('message', () => parentPort.postMessage({ saved: hook.save() ?? null }));
`;

async function boot(dir: string, caches: string[], writeTo?: string): Promise<{ status: string; saved: string | null }> {
  const script = path.join(dir, 'script.js');
  writeFileSync(script, SCRIPT);
  // Node 20 loads a worker's entry before any loader hook: a small CommonJS file registers tsx first.
  const entry = path.join(dir, 'boot.cjs');
  writeFileSync(entry, `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(path.join(repoRoot, 'src', 'extension', 'workerBoot.ts'))});\n`);
  const worker = new Worker(entry, { workerData: { boot: { script, caches, writeTo } } });
  try {
    const first = await new Promise<{ status: string; sum: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(first.sum, 2997);
    const second = new Promise<{ saved: string | null }>((resolve) => worker.once('message', resolve));
    worker.postMessage('save');
    return { status: first.status, saved: (await second).saved };
  } finally {
    await worker.terminate();
  }
}

test('the boot loader writes a code cache when none is accepted, then uses it without writing again', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-boot-'));
  try {
    const cache = path.join(dir, 'cache', 'script.cache');
    const none = await boot(dir, [cache], cache);
    assert.equal(none.status, 'none');
    assert.equal(none.saved, cache);
    assert.ok(existsSync(cache));
    const again = await boot(dir, [path.join(dir, 'missing.cache'), cache], cache);
    assert.equal(again.status, 'accepted (cache/script.cache)');
    assert.equal(again.saved, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache V8 rejects (another build, another V8) is replaced; no cache is written without a place for it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-boot-'));
  try {
    const cache = path.join(dir, 'script.cache');
    writeFileSync(cache, Buffer.from('not a V8 code cache'));
    const rejected = await boot(dir, [cache], cache);
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.saved, cache);
    assert.equal((await boot(dir, [cache], cache)).status, 'accepted (' + path.basename(dir) + '/script.cache)');
    const readOnly = await boot(dir, [], undefined);
    assert.deepEqual(readOnly, { status: 'none', saved: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
