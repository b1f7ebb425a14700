import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AnalysisClient, RequestTimeout, WorkerDied, type ClientLog } from '../../src/extension/analysisClient';
import { builtinKnowledge } from '../../src/core/apis/builtin';
import { testGrammar, repoRoot } from '../helpers/grammar';

// The real worker module, run through tsx, with the wasm files laid out as in the extension's dist/.
// The default timeout is a ceiling that only catches a hang (a loaded machine is slow, not wrong).
function makeClient(timeoutMs = 120_000): { client: AnalysisClient; logs: string[]; cleanup(): void } {
  const dist = mkdtempSync(path.join(tmpdir(), 'lockstep-dist-'));
  copyFileSync(path.join(testGrammar.runtimeDir, 'web-tree-sitter.wasm'), path.join(dist, 'web-tree-sitter.wasm'));
  copyFileSync(testGrammar.grammarFile, path.join(dist, 'tree-sitter-c.wasm'));
  const logs: string[] = [];
  const log: ClientLog = {
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  // Node 20 loads a worker's entry before any loader hook, so a small CommonJS file registers tsx first.
  const boot = path.join(dist, 'boot.cjs');
  const entry = path.join(repoRoot, 'src', 'extension', 'analysisWorker.ts');
  writeFileSync(boot, `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(entry)});\n`);
  const client = new AnalysisClient({ workerFile: boot, distDir: dist, timeoutMs, log });
  return { client, logs, cleanup: () => { client.dispose(); rmSync(dist, { recursive: true, force: true }); } };
}

const uri = 'file:///w/leak.c';
const text = 'int f(spinlock_t *l, int x)\n{\n  spin_lock(l);\n  if (x) return -1;\n  spin_unlock(l);\n  return 0;\n}\n';

test('the worker checks an open document and reparses incrementally after a change', async () => {
  const { client, cleanup } = makeClient();
  try {
    await client.start();
    client.post({ type: 'open', uri, version: 1, text });
    const first = await client.request({ type: 'check', uri, version: 1 });
    assert.equal(first.type, 'checked');
    assert.equal(first.type === 'checked' && first.result.stats.lines, 8);
    const changed = text.replace('return -1;', 'return -2;');
    client.post({ type: 'change', uri, version: 2, changes: [{ offset: text.indexOf('-1'), length: 2, text: '-2' }], length: changed.length });
    const second = await client.request({ type: 'check', uri, version: 2 });
    assert.equal(second.type, 'checked');
    assert.equal(second.type === 'checked' && second.result.incremental, true);
    assert.equal(second.type === 'checked' && second.result.version, 2);
  } finally {
    cleanup();
  }
});

test('a check for a superseded version is cancelled; an unknown document asks for a resync', async () => {
  const { client, cleanup } = makeClient();
  try {
    await client.start();
    client.post({ type: 'open', uri, version: 1, text });
    client.post({ type: 'change', uri, version: 2, changes: [{ offset: 0, length: 0, text: ' ' }], length: text.length + 1 });
    const stale = await client.request({ type: 'check', uri, version: 1 });
    assert.equal(stale.type, 'cancelled');
    const bad = await client.request({ type: 'check', uri: 'file:///w/other.c', version: 1 });
    assert.deepEqual(bad, { type: 'resync', id: (bad as { id: number }).id, uri: 'file:///w/other.c' });
    // A change that does not add up to the host's length drops the copy: the next check asks for the text.
    client.post({ type: 'change', uri, version: 3, changes: [{ offset: 0, length: 0, text: 'x' }], length: 1 });
    const out = await client.request({ type: 'check', uri, version: 3 });
    assert.equal(out.type, 'resync');
  } finally {
    cleanup();
  }
});

test('an exception in analysis is reported with its stage and file, and the worker goes on', async () => {
  const { client, cleanup } = makeClient();
  try {
    await client.start();
    client.post({ type: 'open', uri, version: 1, text });
    await client.request({ type: 'fault', uri, kind: 'throw' });
    const r = await client.request({ type: 'check', uri, version: 1 });
    assert.equal(r.type, 'failed');
    assert.equal(r.type === 'failed' && r.stage, 'check');
    assert.equal(r.type === 'failed' && r.uri, uri);
    assert.match(r.type === 'failed' ? r.message : '', /injected fault/);
    const again = await client.request({ type: 'check', uri, version: 1 });
    assert.equal(again.type, 'checked');
  } finally {
    cleanup();
  }
});

test('a hanging check times out, the worker is restarted and listeners re-send documents', async () => {
  const { client, logs, cleanup } = makeClient();
  try {
    await client.start();
    const restarted = new Promise<void>((resolve) => client.onRestart(resolve));
    client.post({ type: 'open', uri, version: 1, text });
    await client.request({ type: 'fault', uri, kind: 'hang' });
    // Only the hanging request has a short limit; the requests after it keep the hang ceiling.
    await assert.rejects(client.request({ type: 'check', uri, version: 1 }, 1500), RequestTimeout);
    await restarted;
    assert.ok(logs.some((l) => l.startsWith('error analysis timeout: check file:///w/leak.c after 1500 ms')), logs.join('\n'));
    // The new worker has lost the document until the host re-sends it.
    assert.equal((await client.request({ type: 'check', uri, version: 1 })).type, 'resync');
    client.post({ type: 'open', uri, version: 1, text });
    assert.equal((await client.request({ type: 'check', uri, version: 1 })).type, 'checked');
  } finally {
    cleanup();
  }
});

test('a worker that dies fails its pending request and comes back', async () => {
  const { client, cleanup } = makeClient();
  try {
    await client.start();
    const gen = client.generation;
    const restarted = new Promise<void>((resolve) => client.onRestart(resolve));
    client.post({ type: 'open', uri, version: 1, text });
    await client.request({ type: 'fault', uri, kind: 'exit' });
    await assert.rejects(client.request({ type: 'check', uri, version: 1 }), WorkerDied);
    await restarted;
    assert.equal(client.generation, gen + 1);
  } finally {
    cleanup();
  }
});

test('lockstep.json defines reach the worker: #ifndef inside a function follows them', async () => {
  const { client, cleanup } = makeClient();
  const guarded = 'int f(spinlock_t *l, int x)\n{\n  spin_lock(l);\n#ifndef RELEASE_ON_EXIT\n  if (x) return -1;\n#endif\n  spin_unlock(l);\n  return 0;\n}\n';
  const rules = async (version: number): Promise<string[]> => {
    const r = await client.request({ type: 'check', uri: 'file:///w/guarded.c', version });
    assert.equal(r.type, 'checked');
    return r.type === 'checked' ? r.result.findings.map((f) => f.ruleId) : [];
  };
  try {
    await client.start();
    await client.request({ type: 'configure', knowledge: builtinKnowledge() });
    client.post({ type: 'open', uri: 'file:///w/guarded.c', version: 1, text: guarded });
    // Without defines every macro is undefined: the early return is there, and leaks the lock.
    assert.deepEqual(await rules(1), ['lock-leak']);
    await client.request({ type: 'configure', knowledge: builtinKnowledge(), defines: { RELEASE_ON_EXIT: '1' } });
    assert.deepEqual(await rules(1), []);
  } finally {
    cleanup();
  }
});
