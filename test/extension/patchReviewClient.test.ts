import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PatchReviewClient, PatchReviewFailed, type ReadBaseFiles } from '../../src/extension/patchReview/patchReviewClient';
import { repoRoot, testGrammar } from '../helpers/grammar';
import { builtinKnowledge } from '../../src/core/apis/builtin';
import { mergeKnowledge } from '../../src/core/apis/config';
import type { ApiKnowledge } from '../../src/core/apis/types';

const workspace = path.join(repoRoot, 'test', 'editor', 'fixtures', 'workspace');
const patchText = readFileSync(path.join(workspace, 'patches', 'table-full.patch'), 'utf8');

// The real worker module, run through tsx, with the wasm files laid out as in the extension's dist/.
// The default timeout is a ceiling that only catches a hang (a loaded machine is slow, not wrong).
function makeClient(timeoutMs = 120_000, knowledge?: () => ApiKnowledge | undefined, defines?: () => Record<string, string> | undefined): { client: PatchReviewClient; options: { timeoutMs: number }; cleanup(): void } {
  const dist = mkdtempSync(path.join(tmpdir(), 'lockstep-patch-dist-'));
  copyFileSync(path.join(testGrammar.runtimeDir, 'web-tree-sitter.wasm'), path.join(dist, 'web-tree-sitter.wasm'));
  copyFileSync(testGrammar.grammarFile, path.join(dist, 'tree-sitter-c.wasm'));
  // Node 20 loads a worker's entry before any loader hook, so a small CommonJS file registers tsx first.
  const boot = path.join(dist, 'boot.cjs');
  const entry = path.join(repoRoot, 'src', 'extension', 'patchReview', 'patchReviewWorker.ts');
  writeFileSync(boot, `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(entry)});\n`);
  const options = { workerFile: boot, distDir: dist, timeoutMs, knowledge, defines };
  const client = new PatchReviewClient(options);
  return { client, options, cleanup: () => { client.dispose(); rmSync(dist, { recursive: true, force: true }); } };
}

/** Reads base files from the fixture workspace, recording what the worker asked for. */
function fixtureReader(asked: string[][]): ReadBaseFiles {
  return async (paths) => {
    asked.push(paths);
    return paths.map((p) => {
      try {
        return { path: p, bytes: new Uint8Array(readFileSync(path.join(workspace, p))) };
      } catch {
        return { path: p, bytes: null };
      }
    });
  };
}

test('the worker asks for the touched base file and reports the introduced lock leak on the + line', async () => {
  const { client, cleanup } = makeClient();
  try {
    const asked: string[][] = [];
    const { view, ms } = await client.review(patchText, fixtureReader(asked));
    assert.deepEqual(asked, [['datapath/flow_table.c']]);
    assert.ok(ms > 0);
    assert.equal(view.patches[0]!.summary, 'introduces 1 lock-leak');
    const f = view.patches[0]!.introduced[0]!;
    assert.equal(patchText.split('\n')[f.patchLine], '+\t\treturn -ENOSPC;');
    // Without the base file the images are rebuilt from the hunk, and the summary says so.
    const rebuilt = await client.review(patchText, async (paths) => paths.map((p) => ({ path: p, bytes: null })));
    assert.match(rebuilt.view.patches[0]!.summary, /1 file not in the base/);
    assert.equal(rebuilt.view.patches[0]!.files[0]!.inBase, false);
  } finally {
    cleanup();
  }
});

test('a malformed patch fails with the line it breaks on; the worker goes on reviewing', async () => {
  const { client, cleanup } = makeClient();
  try {
    const broken = patchText.replace('@@ -10,6 +10,8 @@', '@@ -10,6 +10,12 @@');
    await assert.rejects(client.review(broken, fixtureReader([])), (e: unknown) => {
      assert.ok(e instanceof PatchReviewFailed);
      // The header promises 12 new lines, so the mail's `-- ` signature line is read as a removed line.
      assert.equal(e.message, 'malformed patch: hunk @@ -10,6 +10,12 @@ (line 14) has more old lines than its header counts (6)');
      assert.equal(e.line, 22);
      assert.equal(broken.split('\n')[e.line], '-- ');
      return true;
    });
    const { view } = await client.review(patchText, fixtureReader([]));
    assert.equal(view.patches[0]!.introduced.length, 1);
  } finally {
    cleanup();
  }
});

test('a review over the time limit fails alone; the next review gets a new worker', async () => {
  const { client, options, cleanup } = makeClient(1500);
  try {
    const never: ReadBaseFiles = () => new Promise(() => undefined);
    await assert.rejects(client.review(patchText, never), /took longer than 1500 ms/);
    // The next review must not depend on the machine being fast: give it the usual ceiling.
    options.timeoutMs = 120_000;
    const { view } = await client.review(patchText, fixtureReader([]));
    assert.equal(view.patches[0]!.summary, 'introduces 1 lock-leak');
  } finally {
    cleanup();
  }
});

test('the review uses the project\'s API knowledge the host passes (lockstep.json), not only the built-ins', async () => {
  const base = 'int tbl_add(struct tbl *t, int v)\n{\n\ttbl_grab(t);\n\tt->n += v;\n\ttbl_drop(t);\n\treturn 0;\n}\n';
  const patch = 'diff --git a/tbl.c b/tbl.c\n--- a/tbl.c\n+++ b/tbl.c\n@@ -2,6 +2,8 @@\n {\n \ttbl_grab(t);\n+\tif (v < 0)\n+\t\treturn -1;\n \tt->n += v;\n \ttbl_drop(t);\n \treturn 0;\n }\n';
  const read: ReadBaseFiles = async (paths) => paths.map((p) => ({ path: p, bytes: new TextEncoder().encode(base) }));
  const project = mergeKnowledge(builtinKnowledge(), {
    locks: [{ name: 'tbl_grab', kind: 'acquire', lockArg: 0, family: 'tbl' }, { name: 'tbl_drop', kind: 'release', lockArg: 0, family: 'tbl' }],
  });
  const plain = makeClient();
  const configured = makeClient(20_000, () => project);
  try {
    assert.equal((await plain.client.review(patch, read)).view.patches[0]!.introduced.length, 0);
    const { view } = await configured.client.review(patch, read);
    assert.equal(view.patches[0]!.summary, 'introduces 1 lock-leak');
  } finally {
    plain.cleanup();
    configured.cleanup();
  }
});

test('the review takes lockstep.json `defines` the host passes, as the editor\'s file checks and `lockstep patch` do', async () => {
  // The early return exists only when CONFIG_FAST_EXIT is defined: a leak with the project's defines, none without.
  const base = 'int tbl_add(spinlock_t *l, int v)\n{\n\tspin_lock(l);\n\tv++;\n\tspin_unlock(l);\n\treturn v;\n}\n';
  const patch = 'diff --git a/tbl.c b/tbl.c\n--- a/tbl.c\n+++ b/tbl.c\n@@ -2,5 +2,9 @@\n {\n \tspin_lock(l);\n+#ifdef CONFIG_FAST_EXIT\n+\tif (v < 0)\n+\t\treturn -1;\n+#endif\n \tv++;\n \tspin_unlock(l);\n \treturn v;\n';
  const read: ReadBaseFiles = async (paths) => paths.map((p) => ({ path: p, bytes: new TextEncoder().encode(base) }));
  const plain = makeClient();
  const configured = makeClient(120_000, undefined, () => ({ CONFIG_FAST_EXIT: '1' }));
  try {
    assert.equal((await plain.client.review(patch, read)).view.patches[0]!.introduced.length, 0, 'no define: the #ifdef branch is inactive');
    const { view } = await configured.client.review(patch, read);
    assert.equal(view.patches[0]!.summary, 'introduces 1 lock-leak');
    assert.equal(patch.split('\n')[view.patches[0]!.introduced[0]!.patchLine], '+\t\treturn -1;');
  } finally {
    plain.cleanup();
    configured.cleanup();
  }
});
