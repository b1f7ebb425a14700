import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runPatchCli } from './helpers/runCli';

// A project lock API that only lockstep.json knows: the patch's leak is seen only with the config.
const BASE = `struct tbl { int lock; int n; };

int tbl_add(struct tbl *t, int v)
{
\ttbl_grab(t);
\tt->n += v;
\ttbl_drop(t);
\treturn 0;
}
`;

const PATCH = `diff --git a/tbl.c b/tbl.c
--- a/tbl.c
+++ b/tbl.c
@@ -4,6 +4,8 @@ int tbl_add(struct tbl *t, int v)
 {
 \ttbl_grab(t);
+\tif (v < 0)
+\t\treturn -1;
 \tt->n += v;
 \ttbl_drop(t);
 \treturn 0;
 }
`;

const CONFIG = JSON.stringify({
  locks: [
    { name: 'tbl_grab', kind: 'acquire', lockArg: 0, family: 'tbl' },
    { name: 'tbl_drop', kind: 'release', lockArg: 0, family: 'tbl' },
  ],
});

function workspace(withConfig: boolean): { dir: string; patch: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-patch-config-'));
  fs.writeFileSync(path.join(dir, 'tbl.c'), BASE);
  if (withConfig) fs.writeFileSync(path.join(dir, 'lockstep.json'), CONFIG);
  const patch = path.join(dir, 'early-return.patch');
  fs.writeFileSync(patch, PATCH);
  return { dir, patch };
}

test('lockstep patch reads the base tree\'s lockstep.json, as check does', async () => {
  const bare = workspace(false);
  const withConfig = workspace(true);
  try {
    const without = await runPatchCli([bare.patch, '--base-dir', bare.dir, '--format', 'json']);
    assert.equal(without.code, 0, without.stderr);
    const found = await runPatchCli([withConfig.patch, '--base-dir', withConfig.dir, '--format', 'json']);
    assert.equal(found.code, 1, found.stderr);
    assert.match(found.stdout, /"ruleId": "lock-leak"/);
    // --config names the file explicitly.
    fs.copyFileSync(path.join(withConfig.dir, 'lockstep.json'), path.join(bare.dir, 'project.json'));
    const explicit = await runPatchCli([bare.patch, '--base-dir', bare.dir, '--config', path.join(bare.dir, 'project.json')]);
    assert.equal(explicit.code, 1, explicit.stderr);
    assert.match(explicit.stdout, /introduced: tbl\.c:7:3: error: .*lock-leak/);
  } finally {
    fs.rmSync(bare.dir, { recursive: true, force: true });
    fs.rmSync(withConfig.dir, { recursive: true, force: true });
  }
});

test('a bad --config is one message and exit 2', async () => {
  const ws = workspace(false);
  try {
    const bad = path.join(ws.dir, 'bad.json');
    fs.writeFileSync(bad, '{ "locks": [ { "name": "x", "kind": "grab" } ] }');
    const r = await runPatchCli([ws.patch, '--base-dir', ws.dir, '--config', bad]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^lockstep patch: .*bad\.json: \/locks\/0\/kind: must be one of/);
  } finally {
    fs.rmSync(ws.dir, { recursive: true, force: true });
  }
});

test('lockstep patch takes lockstep.json "defines" for the #ifdef branches, as check does', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-patch-defines-'));
  try {
    fs.writeFileSync(path.join(dir, 'tbl.c'), BASE);
    const patch = path.join(dir, 'debug-return.patch');
    fs.writeFileSync(patch, PATCH.replace('@@ -4,6 +4,8 @@', '@@ -4,6 +4,10 @@').replace('+\tif (v < 0)\n+\t\treturn -1;\n', '+#ifdef TBL_DEBUG\n+\tif (v < 0)\n+\t\treturn -1;\n+#endif\n'));
    fs.writeFileSync(path.join(dir, 'lockstep.json'), CONFIG);
    const undefinedMacro = await runPatchCli([patch, '--base-dir', dir]);
    assert.equal(undefinedMacro.code, 0, undefinedMacro.stdout + undefinedMacro.stderr);
    fs.writeFileSync(path.join(dir, 'lockstep.json'), JSON.stringify({ ...JSON.parse(CONFIG) as object, defines: { TBL_DEBUG: 1 } }));
    const defined = await runPatchCli([patch, '--base-dir', dir]);
    assert.equal(defined.code, 1, defined.stdout + defined.stderr);
    assert.match(defined.stdout, /introduced: tbl\.c:8:3: error: .*lock-leak/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('lockstep patch takes -D NAME[=VALUE] / -U NAME after lockstep.json "defines", as check does', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-patch-macros-'));
  try {
    fs.writeFileSync(path.join(dir, 'tbl.c'), BASE);
    // Two early returns that leak the lock, each only in one build configuration.
    const patch = path.join(dir, 'debug-return.patch');
    fs.writeFileSync(patch, PATCH.replace('@@ -4,6 +4,8 @@', '@@ -4,6 +4,14 @@').replace('+\tif (v < 0)\n+\t\treturn -1;\n',
      '+#ifdef TBL_DEBUG\n+\tif (v < 0)\n+\t\treturn -1;\n+#endif\n+#if TBL_LEVEL >= 2\n+\tif (v > 9)\n+\t\treturn 9;\n+#endif\n'));
    fs.writeFileSync(path.join(dir, 'lockstep.json'), CONFIG);
    const leakLines = (stdout: string): string[] => [...stdout.matchAll(/^ *introduced: tbl\.c:(\d+):\d+: error: .*\[lock-leak\]$/gm)].map((m) => m[1]!);
    const run = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => runPatchCli([patch, '--base-dir', dir, ...args]);

    const none = await run();
    assert.equal(none.code, 0, none.stdout + none.stderr);
    assert.deepEqual(leakLines(none.stdout), []);
    const debug = await run('-D', 'TBL_DEBUG');
    assert.equal(debug.code, 1, debug.stdout + debug.stderr);
    assert.deepEqual(leakLines(debug.stdout), ['8']);
    // Values are compared (`-DTBL_LEVEL=2` takes the branch, `=1` does not); the attached spelling works too.
    assert.deepEqual(leakLines((await run('-DTBL_LEVEL=2')).stdout), ['12']);
    assert.deepEqual(leakLines((await run('-DTBL_LEVEL=1')).stdout), []);
    assert.deepEqual(leakLines((await run('-DTBL_DEBUG', '-D', 'TBL_LEVEL=3')).stdout), ['8', '12']);

    // lockstep.json defines both; -U takes one back, and a later -D gives it again.
    fs.writeFileSync(path.join(dir, 'lockstep.json'), JSON.stringify({ ...JSON.parse(CONFIG) as object, defines: { TBL_DEBUG: 1, TBL_LEVEL: 2 } }));
    assert.deepEqual(leakLines((await run()).stdout), ['8', '12']);
    assert.deepEqual(leakLines((await run('-U', 'TBL_DEBUG')).stdout), ['12']);
    assert.deepEqual(leakLines((await run('-UTBL_DEBUG', '-UTBL_LEVEL', '-DTBL_DEBUG')).stdout), ['8']);

    // Usage errors: exit 2, one line, nothing on stdout.
    for (const bad of [['-D', '1X'], ['-U', 'X=1'], ['-D']]) {
      const r = await run(...bad);
      assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^lockstep patch: (-D needs NAME or NAME=VALUE|-U takes a macro name only|-D needs a value).*\(try lockstep patch --help\)\n$/);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
