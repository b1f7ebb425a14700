import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { splitDocLines } from '../../src/core/patch/docLines';
import { parseFileDiffs } from '../../src/core/patch/unifiedDiff';

const parse = (text: string) => parseFileDiffs(splitDocLines(text));

test('plain unified diff: names, hunk numbers, section, line kinds and document lines', () => {
  const [f, ...rest] = parse([
    '--- a/datapath/vport.c\t2026-11-02 09:00:00.000000000 +0000',
    '+++ b/datapath/vport.c\t2026-11-03 09:00:00.000000000 +0000',
    '@@ -10,3 +10,4 @@ int vport_send(struct vport *vport)',
    ' \tspin_lock_bh(&vport->lock);',
    '-\treturn -ENETDOWN;',
    '+\tspin_unlock_bh(&vport->lock);',
    '+\treturn -ENETDOWN;',
    ' }',
  ].join('\n'));
  assert.equal(rest.length, 0);
  assert.equal(f!.oldPath, 'datapath/vport.c');
  assert.equal(f!.newPath, 'datapath/vport.c');
  assert.equal(f!.status, 'modified');
  assert.deepEqual([f!.headerStartDocLine, f!.headerEndDocLine], [0, 1]);
  const h = f!.hunks[0]!;
  assert.deepEqual([h.oldStart, h.oldCount, h.newStart, h.newCount], [10, 3, 10, 4]);
  assert.equal(h.section, 'int vport_send(struct vport *vport)');
  assert.equal(h.header, '@@ -10,3 +10,4 @@');
  assert.equal(h.headerDocLine, 2);
  assert.deepEqual(h.lines.map((l) => [l.kind, l.text, l.docLine]), [
    ['context', '\tspin_lock_bh(&vport->lock);', 3],
    ['removed', '\treturn -ENETDOWN;', 4],
    ['added', '\tspin_unlock_bh(&vport->lock);', 5],
    ['added', '\treturn -ENETDOWN;', 6],
    ['context', '}', 7],
  ]);
});

test('hunk header without counts means one line; several hunks and files in one diff', () => {
  const files = parse([
    'diff --git a/a.c b/a.c', '--- a/a.c', '+++ b/a.c',
    '@@ -1 +1 @@', '-int x;', '+long x;',
    '@@ -5,0 +6,1 @@', '+int y;',
    'diff --git a/b.h b/b.h', '--- a/b.h', '+++ b/b.h',
    '@@ -2,2 +2,2 @@', ' #define B', '-#define C 1', '+#define C 2',
  ].join('\n'));
  assert.deepEqual(files.map((f) => [f.oldPath, f.hunks.map((h) => [h.oldStart, h.oldCount, h.newStart, h.newCount])]), [
    ['a.c', [[1, 1, 1, 1], [5, 0, 6, 1]]],
    ['b.h', [[2, 2, 2, 2]]],
  ]);
});

test('git rename with similarity index and a hunk', () => {
  const [f] = parse([
    'diff --git a/datapath-windows/flow.c b/datapath-windows/flow_table.c',
    'similarity index 96%',
    'rename from datapath-windows/flow.c',
    'rename to datapath-windows/flow_table.c',
    'index 2f72964..30d8cb2 100644',
    '--- a/datapath-windows/flow.c',
    '+++ b/datapath-windows/flow_table.c',
    '@@ -1,1 +1,1 @@', '-/* old */', '+/* new */',
  ].join('\n'));
  assert.equal(f!.status, 'renamed');
  assert.equal(f!.similarity, 96);
  assert.equal(f!.oldPath, 'datapath-windows/flow.c');
  assert.equal(f!.newPath, 'datapath-windows/flow_table.c');
  assert.deepEqual(f!.index, { oldId: '2f72964', newId: '30d8cb2', mode: '100644' });
  assert.deepEqual([f!.headerStartDocLine, f!.headerEndDocLine], [0, 6]);
  assert.equal(f!.hunks.length, 1);
});

test('pure rename without hunks, and a copy', () => {
  const files = parse([
    'diff --git a/x/old name.c b/x/new name.c',
    'similarity index 100%',
    'rename from x/old name.c',
    'rename to x/new name.c',
    'diff --git a/lib/a.c b/lib/b.c',
    'similarity index 90%',
    'copy from lib/a.c',
    'copy to lib/b.c',
  ].join('\n'));
  assert.deepEqual(files.map((f) => [f.status, f.oldPath, f.newPath, f.similarity, f.hunks.length]), [
    ['renamed', 'x/old name.c', 'x/new name.c', 100, 0],
    ['copied', 'lib/a.c', 'lib/b.c', 90, 0],
  ]);
});

test('new file and deleted file modes', () => {
  const files = parse([
    'diff --git a/datapath/ct.c b/datapath/ct.c',
    'new file mode 100644',
    'index 0000000..e69de29',
    '--- /dev/null',
    '+++ b/datapath/ct.c',
    '@@ -0,0 +1,2 @@', '+#include "ct.h"', '+int ct_init(void);',
    'diff --git a/datapath/old.c b/datapath/old.c',
    'deleted file mode 100644',
    'index e69de29..0000000',
    '--- a/datapath/old.c',
    '+++ /dev/null',
    '@@ -1 +0,0 @@', '-int old;',
  ].join('\n'));
  assert.deepEqual(files.map((f) => [f.status, f.oldPath, f.newPath, f.oldMode, f.newMode]), [
    ['added', undefined, 'datapath/ct.c', undefined, '100644'],
    ['deleted', 'datapath/old.c', undefined, '100644', undefined],
  ]);
  assert.deepEqual(files[0]!.index, { oldId: '0000000', newId: 'e69de29' });
});

test('mode change only', () => {
  const [f, g] = parse([
    'diff --git a/scripts/gen.sh b/scripts/gen.sh', 'old mode 100644', 'new mode 100755',
    'diff --git a/a.c b/a.c', '--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-a', '+b',
  ].join('\n'));
  assert.deepEqual([f!.status, f!.oldMode, f!.newMode, f!.hunks.length, f!.headerEndDocLine], ['modified', '100644', '100755', 0, 2]);
  assert.equal(g!.oldPath, 'a.c');
});

test('binary markers: "Binary files differ" and GIT binary patch with its data skipped', () => {
  const files = parse([
    'diff --git a/media/logo.png b/media/logo.png',
    'index 1111111..2222222 100644',
    'Binary files a/media/logo.png and b/media/logo.png differ',
    'diff --git a/fw/blob.bin b/fw/blob.bin',
    'new file mode 100644',
    'index 0000000..3333333',
    'GIT binary patch',
    'literal 12',
    'zcmZ?wbhEHbRA5kGYhd{Q|Np-X',
    '',
    'literal 0',
    'HcmV?d00001',
    '',
    'diff --git a/a.c b/a.c', '--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-a', '+b',
  ].join('\n'));
  assert.deepEqual(files.map((f) => [f.newPath, f.binary, f.status, f.hunks.length]), [
    ['media/logo.png', true, 'modified', 0],
    ['fw/blob.bin', true, 'added', 0],
    ['a.c', false, 'modified', 1],
  ]);
});

test('quoted git paths with escapes', () => {
  const [f] = parse([
    'diff --git "a/dir/tab\\there.c" "b/dir/caf\\303\\251.c"',
    'similarity index 99%',
    'rename from "dir/tab\\there.c"',
    'rename to "dir/caf\\303\\251.c"',
  ].join('\n'));
  assert.equal(f!.oldPath, 'dir/tab\there.c');
  assert.equal(f!.newPath, 'dir/café.c');
});

test('"\\ No newline at end of file" marks the line before it', () => {
  const [f] = parse(['--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-int a;', '\\ No newline at end of file', '+int a;'].join('\n'));
  const lines = f!.hunks[0]!.lines;
  assert.deepEqual(lines.map((l) => [l.kind, l.noNewlineAtEnd ?? false]), [['removed', true], ['added', false]]);
});

test('an empty line inside a hunk is an empty context line (mailers strip the space)', () => {
  const [f] = parse(['--- a/a.c', '+++ b/a.c', '@@ -1,3 +1,3 @@', ' int a;', '', '-int b;', '+int c;'].join('\n'));
  assert.deepEqual(f!.hunks[0]!.lines.map((l) => [l.kind, l.text]), [['context', 'int a;'], ['context', ''], ['removed', 'int b;'], ['added', 'int c;']]);
});

test('commit message, diffstat and signature around the diff are ignored', () => {
  const files = parse([
    'Fix the leak.', '', '---', ' a.c | 2 +-', ' 1 file changed', '',
    'diff --git a/a.c b/a.c', '--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-a', '+b',
    '-- ', '2.43.0', '',
  ].join('\n'));
  assert.equal(files.length, 1);
  assert.equal(files[0]!.hunks[0]!.lines.length, 2);
});
