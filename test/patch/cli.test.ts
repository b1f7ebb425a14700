import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { baseDir, patchFixtures } from './helpers/fixtures';
import { runPatchCli } from './helpers/runCli';

const fx = (name: string): string => path.join(patchFixtures, name);

test('bad input exits 2 with the line named, nothing on stdout', async () => {
  for (const [name, message] of [
    ['truncated.patch', 'truncated.patch:10: the patch ends inside hunk @@ -88,15 +88,13 @@ (line 5): 10 old and 10 new lines are missing (truncated patch?)'],
    ['bad-counts.patch', 'bad-counts.patch:21: hunk @@ -88,15 +88,12 @@ (line 5) has more new lines than its header counts (12)'],
    ['garbage.txt', `garbage.txt:1: no diff found (expected a 'diff --git' line, a '---'/'+++' file header pair or a format-patch mail)`],
  ] as const) {
    const r = await runPatchCli([fx(name), '--base-dir', baseDir]);
    assert.equal(r.code, 2, name);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `lockstep patch: ${fx(message.split(':')[0]!)}${message.slice(message.indexOf(':'))}\n`);
  }
});

test('usage errors exit 2; --help exits 0', async () => {
  assert.equal((await runPatchCli([])).code, 2);
  // One error style (issue 21): the command, the message, where to look; one line.
  assert.equal((await runPatchCli([])).stderr, 'lockstep patch: no patch given (try lockstep patch --help)\n');
  assert.equal((await runPatchCli([fx('rename.patch'), '--format', 'xml'])).stderr, "lockstep patch: --format must be one of text, json, sarif (got 'xml') (try lockstep patch --help)\n");
  assert.equal((await runPatchCli([fx('rename.patch'), '--frobnicate'])).stderr, "lockstep patch: unknown option '--frobnicate' (try lockstep patch --help)\n");
  assert.match((await runPatchCli([fx('a.patch'), fx('b.patch')])).stderr, /one patch at a time \(got 2\)/);
  const missing = await runPatchCli([fx('none.patch')]);
  assert.deepEqual([missing.code, missing.stderr], [2, `lockstep patch: ${fx('none.patch')}: no such file\n`]);
  const noBase = await runPatchCli([fx('rename.patch'), '--base-dir', path.join(baseDir, 'nope')]);
  assert.deepEqual([noBase.code, noBase.stderr], [2, `lockstep patch: ${path.join(baseDir, 'nope')}: base directory not found\n`]);
  const help = await runPatchCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: lockstep patch <file\.patch\|file\.diff\|file\.eml\|file\.mbox\|->/);
});

test('text output of a rename: the file line and the summary (no findings change, exit 0)', async () => {
  const r = await runPatchCli([fx('rename.patch'), `--base-dir=${baseDir}`]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, [
    'diff',
    '  datapath-windows/flow_table.c: renamed from datapath-windows/flow.c, 1/1 hunks applied',
    '  no lock or refcount findings change',
    `1 patch against directory ${baseDir}: 0 introduced, 0 fixed, 0 still present on touched lines`,
    '',
  ].join('\n'));
});

test('text output names a hunk that does not apply, with its patch line and reason; that is exit 2 unless --allow-unapplied', async () => {
  const r = await runPatchCli([fx('offset-and-reject.patch'), '--base-dir', baseDir]);
  // It exited 0 ("0/1 hunks applied … 1 hunk did not apply"): a false green.
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `lockstep patch: 1 hunk did not apply to directory ${baseDir}; the review is incomplete (--allow-unapplied reviews the rest)\n`);
  assert.equal((await runPatchCli([fx('offset-and-reject.patch'), '--base-dir', baseDir, '--allow-unapplied'])).code, 0);
  const lines = r.stdout.split('\n');
  assert.ok(lines.includes(`  hunk #2 @@ -77,6 +78,7 @@ (${fx('offset-and-reject.patch')}:13) does not apply: line 76 of datapath-windows/flow.c is "table->count--;" but the hunk expects "table->count -= 1;", and its old lines match nowhere else`));
  assert.ok(lines.includes('  note: hunk #1 @@ -45,6 +45,7 @@ applied at line 42 (offset -3)'));
  assert.match(lines[lines.length - 2]!, /; 1 hunk did not apply$/);
});

test('json output: series structure with mail data, files and hunks', async () => {
  const r = await runPatchCli([fx('series.mbox'), '--base-dir', baseDir, '--format', 'json']);
  const json = JSON.parse(r.stdout) as {
    kind: string;
    patches: { label: string; mail: { numbering: { index: number } }; files: { path: string; skipped?: string; hunks: { applied: boolean }[] }[] }[];
  };
  assert.equal(json.kind, 'mbox');
  assert.deepEqual(json.patches.map((p) => [p.mail.numbering.index, p.files.map((f) => [f.path, f.skipped ?? null, f.hunks.map((h) => h.applied)])]), [
    [1, [['Documentation/flows.rst', 'not a C file', []], ['datapath-windows/flow.c', null, [true]]]],
    [2, [['datapath-windows/flow.c', null, [true]]]],
    [3, [['datapath/vport.c', null, [true]]]],
  ]);
});
