import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyHunks } from '../../src/core/patch/applyHunks';
import { splitDocLines } from '../../src/core/patch/docLines';
import { reconstructFromHunks } from '../../src/core/patch/reconstruct';
import { parseFileDiffs } from '../../src/core/patch/unifiedDiff';
import { baseDir, readFixture } from './helpers/fixtures';

const hunksOf = (diff: string) => parseFileDiffs(splitDocLines(diff))[0]!.hunks;
const diff = (...lines: string[]): string => ['--- a/f.c', '+++ b/f.c', ...lines].join('\n');

test('applies at the declared line and maps every image line to its patch line', () => {
  const r = applyHunks('a\nb\nc\nd\n', hunksOf(diff('@@ -2,2 +2,2 @@', ' b', '-c', '+C')), 'f.c');
  assert.equal(r.postText, 'a\nb\nC\nd\n');
  assert.deepEqual(r.hunks.map((h) => [h.applied, h.appliedAt, h.offset]), [[true, 2, 0]]);
  assert.deepEqual(r.post.docLines, [-1, 3, 5, -1]);
  assert.deepEqual(r.pre.docLines, [-1, 3, 4, -1]);
  assert.deepEqual(r.addedLines, [2]);
  assert.deepEqual(r.removedLines, [2]);
});

test('offset: a hunk whose lines moved is applied at the nearest match, and the offset carries to the next', () => {
  const base = ['x1', 'x2', 'x3', 'a', 'b', 'c', 'k', 'l', 'm', ''].join('\n');
  const r = applyHunks(base, hunksOf(diff('@@ -1,2 +1,2 @@', ' a', '-b', '+B', '@@ -4,2 +4,2 @@', ' k', '-l', '+L')), 'f.c');
  assert.deepEqual(r.hunks.map((h) => [h.appliedAt, h.offset]), [[4, 3], [7, 3]]);
  assert.equal(r.postText, ['x1', 'x2', 'x3', 'a', 'B', 'c', 'k', 'L', 'm', ''].join('\n'));
});

test('of two equal matches the one nearest the declared line wins', () => {
  const base = ['lock', 'x', 'unlock', 'pad', 'pad', 'lock', 'x', 'unlock', ''].join('\n');
  const r = applyHunks(base, hunksOf(diff('@@ -5,2 +5,2 @@', ' lock', '-x', '+y')), 'f.c');
  assert.equal(r.hunks[0]!.appliedAt, 6);
  assert.equal(r.postText, ['lock', 'x', 'unlock', 'pad', 'pad', 'lock', 'y', 'unlock', ''].join('\n'));
});

test('a hunk that does not apply is reported with the first differing line; the others still apply', () => {
  const patch = readFixture('offset-and-reject.patch');
  const base = fs.readFileSync(path.join(baseDir, 'datapath-windows', 'flow.c'), 'utf8');
  const r = applyHunks(base, hunksOf(patch), 'datapath-windows/flow.c');
  assert.deepEqual(r.hunks.map((h) => [h.applied, h.appliedAt, h.offset, h.reason]), [
    [true, 42, -3, undefined],
    [false, undefined, undefined, 'line 76 of datapath-windows/flow.c is "table->count--;" but the hunk expects "table->count -= 1;", and its old lines match nowhere else'],
  ]);
  assert.ok(r.postText.includes('    stats->lastUsed = flow->lastUsed;\n'));
  assert.ok(!r.postText.includes('FLOW_DELETED'));
});

test('a hunk past the end of the file says how long the file is', () => {
  const r = applyHunks('a\nb\n', hunksOf(diff('@@ -9,2 +9,2 @@', ' q', '-r', '+s')), 'f.c');
  assert.equal(r.hunks[0]!.reason, 'f.c has 2 lines; the hunk needs 2 old lines from line 9, and they match nowhere else');
});

test('CRLF base stays CRLF, new lines take the base\'s line ending', () => {
  const r = applyHunks('int a;\r\nint b;\r\n', hunksOf(diff('@@ -1,2 +1,3 @@', ' int a;', '+int c;', ' int b;')), 'f.c');
  assert.equal(r.postText, 'int a;\r\nint c;\r\nint b;\r\n');
});

test('trailing whitespace lost in transport still matches, and says so', () => {
  const r = applyHunks('int a;   \nint b;\n', hunksOf(diff('@@ -1,2 +1,2 @@', ' int a;', '-int b;', '+int c;')), 'f.c');
  assert.deepEqual([r.hunks[0]!.applied, r.hunks[0]!.whitespaceFuzz], [true, true]);
  assert.equal(r.postText, 'int a;   \nint c;\n');
});

test('pure insertion (old count 0) and "no newline at end of file"', () => {
  const ins = applyHunks('a\nb\n', hunksOf(diff('@@ -1,0 +2,1 @@', '+x')), 'f.c');
  assert.equal(ins.postText, 'a\nx\nb\n');
  const nonl = applyHunks('a\nb', hunksOf(diff('@@ -2 +2,2 @@', '-b', '\\ No newline at end of file', '+b', '+c', '\\ No newline at end of file')), 'f.c');
  assert.equal(nonl.postText, 'a\nb\nc');
});

test('a new file applies to an empty base', () => {
  const r = applyHunks('', hunksOf(diff('@@ -0,0 +1,2 @@', '+int a;', '+int b;')), 'f.c');
  assert.equal(r.postText, 'int a;\nint b;\n');
  assert.deepEqual(r.addedLines, [0, 1]);
});

test('reconstruction without a base: hunks at their lines, inside their function, braces closed', () => {
  const r = reconstructFromHunks(hunksOf(readFixture('missing-base.patch').split('\n').slice(2).join('\n')));
  const post = r.postText.split('\n');
  assert.equal(post[10], 'int ct_update(struct ct_table *tbl, struct ct_entry *ct, u32 state) {');
  assert.deepEqual(post.slice(11, 19), [
    '',
    '    spin_lock(&tbl->lock);',
    '    ct_touch(ct);',
    '    if (state == CT_STATE_INVALID)',
    '        return -EINVAL;',
    '    ct->state = state;',
    '    tbl->updates++;',
    '    spin_unlock(&tbl->lock);',
  ]);
  assert.equal(post[19], '}');
  // Line 15 (0-based 14) is where the real file has the + line: numbering is kept.
  assert.equal(post[14], '    if (state == CT_STATE_INVALID)');
  assert.deepEqual(r.addedLines, [14, 15]);
  assert.equal(r.preText.split('\n')[14], '    ct->state = state;');
});
