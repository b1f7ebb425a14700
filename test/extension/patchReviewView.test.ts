import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { builtinKnowledge } from '../../src/core/apis/builtin';
import { directoryBase } from '../../src/core/patch/baseTree';
import { engineAnalyzer } from '../../src/core/patch/engineAnalyzer';
import { parsePatchDocument } from '../../src/core/patch/parsePatchDocument';
import { reviewPatch } from '../../src/core/patch/reviewPatch';
import {
  basePathsOf, diagnosticMessage, isPatchFileName, postToPreLines, toReviewView,
} from '../../src/extension/patchReview/reviewView';
import { repoRoot, testParser } from '../helpers/grammar';

const workspace = path.join(repoRoot, 'test', 'editor', 'fixtures', 'workspace');
const fixturePatch = readFileSync(path.join(workspace, 'patches', 'table-full.patch'), 'utf8');

test('post-image lines map to base lines: context by shared patch line, outside lines in order, added lines to what follows', () => {
  // Base a b c d e; a hunk covering b..d (patch lines 10..12) inserts X after b: post a b X c d e.
  const pre = [-1, 10, 12, 13, -1];
  const post = [-1, 10, 11, 12, 13, -1];
  assert.deepEqual(postToPreLines(pre, post), [0, 1, 2, 2, 3, 4]);
  // A hunk that removes the base's second line: post a c.
  assert.deepEqual(postToPreLines([-1, 20, -1], [-1, -1]), [0, 2]);
  // Lines appended at the end map to the last base line, never past it.
  assert.deepEqual(postToPreLines([30], [30, 31, 32]), [0, 0, 0]);
  assert.deepEqual(postToPreLines([], [5]), [0]);
});

test('the fixture patch review becomes a view: lens on the Subject line, the lock leak on the patch’s + line, base line mapped', async () => {
  const parser = await testParser();
  try {
    const review = reviewPatch(fixturePatch, directoryBase(workspace), { analyze: engineAnalyzer(parser, builtinKnowledge()) });
    const view = toReviewView(review);
    const lines = fixturePatch.split('\n');
    assert.equal(view.series, false);
    assert.equal(view.patches.length, 1);
    const [patch] = view.patches;
    assert.ok(patch);
    assert.match(lines[patch.headerLine]!, /^Subject: \[PATCH\] datapath: refuse a flow insert/);
    assert.equal(patch.summary, 'introduces 1 lock-leak');
    assert.equal(patch.introduced.length, 1);
    const [f] = patch.introduced;
    assert.ok(f);
    assert.equal(f.finding.ruleId, 'lock-leak');
    assert.equal(lines[f.patchLine], '+\t\treturn -ENOSPC;');
    assert.equal(f.patchLineKind, 'added');
    const file = patch.files[f.fileIndex!];
    assert.ok(file);
    assert.equal(file.path, 'datapath/flow_table.c');
    assert.equal(file.basePath, 'datapath/flow_table.c');
    assert.equal(file.inBase, true);
    const postLines = file.postText!.split('\n');
    assert.equal(postLines[f.finding.range.start.line], '\t\treturn -ENOSPC;');
    // The added return maps to the base line it was inserted before.
    const baseLines = readFileSync(path.join(workspace, 'datapath', 'flow_table.c'), 'utf8').split('\n');
    assert.equal(baseLines[file.postToPre[f.finding.range.start.line]!], '\ttable->flows[table->count] = flow;');
    // Lines outside the hunk map one to one, shifted by the two added lines.
    const countLine = postLines.indexOf('int flow_table_count(struct flow_table *table)');
    assert.equal(baseLines[file.postToPre[countLine]!], 'int flow_table_count(struct flow_table *table)');
    // Plain words in the Problems panel: no backticks; the branch is a related location, not the message.
    assert.equal(diagnosticMessage(view, patch, f), "'&table->lock' taken at line 12 (spin_lock) is still held at the return on line 14");
  } finally {
    parser.delete();
  }
});

test('a series names the patch that introduced the finding; a fixing patch introduces nothing', async () => {
  const fix = [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    'From: Ada Reviewer <ada@example.org>',
    'Date: Fri, 27 Nov 2026 18:40:00 +0000',
    'Subject: [PATCH 2/2] datapath: unlock before refusing the insert',
    '',
    '---',
    'diff --git a/datapath/flow_table.c b/datapath/flow_table.c',
    '--- a/datapath/flow_table.c',
    '+++ b/datapath/flow_table.c',
    '@@ -12,5 +12,7 @@ int flow_table_insert(struct flow_table *table, struct flow *flow)',
    ' \tspin_lock(&table->lock);',
    '-\tif (table->count >= FLOW_MAX)',
    '-\t\treturn -ENOSPC;',
    '+\tif (table->count >= FLOW_MAX) {',
    '+\t\tspin_unlock(&table->lock);',
    '+\t\treturn -ENOSPC;',
    '+\t}',
    ' \ttable->flows[table->count] = flow;',
    ' \ttable->count++;',
    '-- ',
    '2.39.5',
    '',
  ].join('\n');
  const series = fixturePatch.replace('[PATCH]', '[PATCH 1/2]') + fix;
  const parser = await testParser();
  try {
    const view = toReviewView(reviewPatch(series, directoryBase(workspace), { analyze: engineAnalyzer(parser, builtinKnowledge()) }));
    assert.equal(view.series, true);
    assert.equal(view.patches.length, 2);
    const [first, second] = view.patches;
    assert.equal(first!.introduced.length, 1);
    assert.equal(diagnosticMessage(view, first!, first!.introduced[0]!), "'&table->lock' taken at line 12 (spin_lock) is still held at the return on line 14 (introduced by [PATCH 1/2] datapath: refuse a flow insert when the table is full)");
    assert.equal(second!.introduced.length, 0);
    assert.equal(second!.summary, 'fixes 1 lock-leak');
    assert.ok(second!.headerLine > first!.headerLine);
    // The second patch's pre-image is the first one's post-image, not the workspace file.
    assert.equal(first!.files[0]!.inBase, true);
    assert.equal(second!.files[0]!.inBase, false);
  } finally {
    parser.delete();
  }
});

test('base paths: old paths of changed and renamed files, new paths of added ones, no binaries', () => {
  const doc = parsePatchDocument([
    'diff --git a/old/name.c b/new/name.c', 'similarity index 90%', 'rename from old/name.c', 'rename to new/name.c',
    'diff --git a/added.c b/added.c', 'new file mode 100644', 'index 0000000..1111111', '--- /dev/null', '+++ b/added.c', '@@ -0,0 +1 @@', '+int x;',
    'diff --git a/blob.bin b/blob.bin', 'index 1111111..2222222 100644', 'Binary files a/blob.bin and b/blob.bin differ', '',
  ].join('\n'));
  assert.deepEqual(basePathsOf(doc), ['old/name.c', 'added.c']);
});

test('patch file names', () => {
  for (const n of ['a.patch', '/x/0001-fix.PATCH', 'b.diff', 'mail.eml', 'series.mbox']) assert.equal(isPatchFileName(n), true, n);
  for (const n of ['a.c', 'patch', 'x.patch.orig', 'mbox']) assert.equal(isPatchFileName(n), false, n);
});
