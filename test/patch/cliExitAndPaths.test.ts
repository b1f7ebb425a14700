import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runPatchCli } from './helpers/runCli';

/**
 * Issue 21 item 3 (false greens: `--fail-on`, the label of a suppression on a `+` line) and issue 22
 * items 4 and 7 (patch JSON of a big patch; paths that escape the tree for new files and renames).
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-patch-exit-'));
fs.mkdirSync(path.join(dir, 'base', 'dp'), { recursive: true });
const BASE_C = `struct vport { int lock; int running; };
int vport_send(struct vport *v, int len)
{
    spin_lock_bh(&v->lock);
    if (!v->running) {
        spin_unlock_bh(&v->lock);
        return -1;
    }
    spin_unlock_bh(&v->lock);
    return 0;
}
`;
fs.writeFileSync(path.join(dir, 'base', 'dp', 'vport.c'), BASE_C);
const base = path.join(dir, 'base');

function patchFile(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

/** A patch whose only new finding is a note: a suppression without a reason, on a `+` comment line. */
const NOTE_ONLY = `diff --git a/dp/vport.c b/dp/vport.c
--- a/dp/vport.c
+++ b/dp/vport.c
@@ -4,6 +4,8 @@ int vport_send(struct vport *v, int len)
     spin_lock_bh(&v->lock);
     if (!v->running) {
         spin_unlock_bh(&v->lock);
+        /* lockstep-ignore lock-leak */
+        len = 0;
         return -1;
     }
     spin_unlock_bh(&v->lock);
`;

test('--fail-on: a patch that only adds a note exits 0 by default (it exited 1), 1 with --fail-on note', async () => {
  const p = patchFile('note.patch', NOTE_ONLY);
  const byDefault = await runPatchCli([p, '--base-dir', base]);
  assert.match(byDefault.stdout, /introduced: dp\/vport\.c:7:9: note: .*\[suppression-without-reason\]/);
  assert.equal(byDefault.code, 0, byDefault.stderr);
  assert.equal((await runPatchCli([p, '--base-dir', base, '--fail-on', 'note'])).code, 1);
  assert.equal((await runPatchCli([p, '--base-dir', base, '--fail-on=error'])).code, 0);
});

test('a suppression on a `+` line is labelled with that line of the patch, not "outside the patch\'s hunks"', async () => {
  const p = patchFile('note2.patch', NOTE_ONLY);
  const r = await runPatchCli([p, '--base-dir', base]);
  const lines = r.stdout.split('\n');
  const at = lines.findIndex((l) => l.includes('[suppression-without-reason]'));
  assert.ok(at >= 0, r.stdout);
  assert.equal(lines[at + 1], `      ${p}:8: +        /* lockstep-ignore lock-leak */`);
  assert.ok(!r.stdout.includes('outside the patch'), r.stdout);
});

test('JSON of patch has the envelope every command has: formatVersion, tool, positions', async () => {
  const r = await runPatchCli([patchFile('note3.patch', NOTE_ONLY), '--base-dir', base, '--format', 'json']);
  const j = JSON.parse(r.stdout) as { formatVersion: number; tool: { name: string }; positions: string };
  assert.deepEqual([j.formatVersion, j.tool.name, j.positions], [1, 'lockstep', '1-based']);
  assert.deepEqual(Object.keys(j).slice(0, 3), ['formatVersion', 'tool', 'positions']);
});

for (const [what, header] of [
  ['a new file climbing out of the tree', 'diff --git a/x.c b/../../../tmp/x.c\nnew file mode 100644\n--- /dev/null\n+++ b/../../../tmp/x.c\n'],
  ['a new file with an absolute path', '--- /dev/null\n+++ /tmp/abs.c\n'],
  ['a rename target climbing out', 'diff --git a/dp/vport.c b/../out.c\nsimilarity index 90%\nrename from dp/vport.c\nrename to ../out.c\n--- a/dp/vport.c\n+++ b/../out.c\n'],
] as const) {
  test(`${what} is refused with the message modified files get, and never reported under that path`, async () => {
    const hunk = header.includes('rename')
      ? '@@ -1,3 +1,3 @@\n-struct vport { int lock; int running; };\n+struct vport { int lock; int up; };\n int vport_send(struct vport *v, int len)\n {\n'
      : '@@ -0,0 +1,5 @@\n+void f(int *l)\n+{\n+    spin_lock(l);\n+    return;\n+}\n';
    const p = patchFile(`escape-${what.length}.patch`, header + hunk);
    for (const format of ['text', 'sarif'] as const) {
      const r = await runPatchCli([p, '--base-dir', base, '--format', format]);
      assert.equal(r.code, 0, `${format}: ${r.stderr}`);
      if (format === 'text') assert.match(r.stdout, /skipped: patch path ".*(\.\.\/|\/tmp\/abs).*" points outside the base tree/);
      else assert.ok(!/\.\.\/|\/tmp\//.test(JSON.stringify((JSON.parse(r.stdout) as { runs: { results: unknown[] }[] }).runs[0]!.results)), r.stdout);
    }
  });
}

test('--format json of a big patch (alternating lock/unlock branches) is written whole, with capped paths (it was a RangeError)', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 2200; i++) lines.push(`+    if (x & ${(i % 31) + 1}) spin_lock(&d->lock); else spin_unlock(&d->lock);`);
  const body = ['+struct d { int lock; };', '+int f(struct d *d, int x)', '+{', ...lines, '+    return 0;', '+}'];
  const text = `--- /dev/null\n+++ b/dp/big.c\n@@ -0,0 +1,${body.length} @@\n${body.join('\n')}\n`;
  assert.ok(text.length > 140_000);
  const r = await runPatchCli([patchFile('big.patch', text), '--base-dir', base, '--format', 'json', '--fail-on', 'none']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { patches: { introduced: { finding: { path: unknown[] } }[] }[] };
  const introduced = j.patches[0]!.introduced;
  assert.ok(introduced.length > 0, r.stdout.slice(0, 3000));
  for (const f of introduced) assert.ok(f.finding.path.length <= 25, `a path of ${f.finding.path.length} steps`);
  assert.ok(r.stdout.length < 20 * 1024 * 1024, `${r.stdout.length} bytes of JSON`);
});
