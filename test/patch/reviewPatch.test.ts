import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { SourceFile } from '../../src/core/analysis/types';
import { InputError } from '../../src/core/input';
import { directoryBase, type BaseProvider } from '../../src/core/patch/baseTree';
import { parsePatchDocument } from '../../src/core/patch/parsePatchDocument';
import { patchSummary } from '../../src/core/patch/lensSummary';
import { reviewDocument, reviewPatch } from '../../src/core/patch/reviewPatch';
import type { ReviewedFinding } from '../../src/core/patch/reviewTypes';
import { finding } from './helpers/findings';
import { baseDir, lineOf, readFixture } from './helpers/fixtures';
import { textualLeakAnalyzer } from './helpers/textualLeakAnalyzer';

const base = directoryBase(baseDir);
const brief = (list: ReviewedFinding[]) => list.map((r) => [r.status, r.finding.ruleId, r.finding.functionName, r.finding.uri, r.patchLine, r.patchLineKind]);

test('three-patch mbox series: applied in order, each finding attributed to its patch', () => {
  const text = readFixture('series.mbox');
  const review = reviewPatch(text, base, { analyze: textualLeakAnalyzer });
  assert.equal(review.patches.length, 3);
  const [p1, p2, p3] = review.patches;
  assert.deepEqual(p1!.files.map((f) => [f.path, f.skipped, f.hunks.map((h) => [h.applied, h.offset])]), [
    ['Documentation/flows.rst', 'not a C file', []],
    ['datapath-windows/flow.c', undefined, [[true, 0]]],
  ]);
  assert.deepEqual(brief(p1!.introduced), []);
  // Patch 2's hunk header counts the lines FlowHit (patch 1) added: offset 0 only because the
  // series applies in order.
  assert.deepEqual(p2!.files[0]!.hunks.map((h) => [h.applied, h.offset]), [[true, 0]]);
  assert.deepEqual(brief(p2!.introduced), [
    ['introduced', 'lock-leak', 'FlowPut', 'datapath-windows/flow.c', lineOf(text, '+        return STATUS_INSUFFICIENT_RESOURCES;'), 'added'],
  ]);
  assert.equal(p2!.introduced[0]!.patchOrdinal, 1);
  assert.equal(p2!.introduced[0]!.fileIndex, 0);
  assert.equal(p3!.fixed[0]!.fileIndex, 0);
  assert.equal(p3!.files[p3!.fixed[0]!.fileIndex!]!.preText!.split('\n')[p3!.fixed[0]!.finding.range.start.line], '        return -ENETDOWN;');
  assert.equal(p2!.introduced[0]!.patchLineText, '        return STATUS_INSUFFICIENT_RESOURCES;');
  assert.equal(p2!.label, '[PATCH 2/3] datapath-windows: refuse a flow put when the table is full');
  assert.deepEqual(brief(p2!.fixed), []);
  // Patch 3 fixes the leak the base had in vport_send: fixed, not introduced.
  assert.deepEqual(brief(p3!.introduced), []);
  assert.deepEqual(brief(p3!.fixed), [
    ['fixed', 'lock-leak', 'vport_send', 'datapath/vport.c', lineOf(text, '         return -ENETDOWN;'), 'context'],
  ]);
  assert.deepEqual(review.totals, { patches: 3, introduced: 1, fixed: 1, stillPresent: 0, failedHunks: 0, reconstructedFiles: 0 });
});

test('the same patch 2 alone against the base needs an offset: proof the series state is used', () => {
  const doc = parsePatchDocument(readFixture('series.mbox'));
  const alone = reviewDocument({ kind: 'mail', patches: [doc.patches[1]!] }, base, { analyze: textualLeakAnalyzer });
  assert.deepEqual(alone.patches[0]!.files[0]!.hunks.map((h) => [h.applied, h.offset]), [[true, -15]]);
  assert.deepEqual(alone.patches[0]!.notes, ['hunk #1 @@ -68,6 +68,9 @@ applied at line 53 (offset -15)']);
});

test('pre- and post-image texts and line maps are exposed for the editor', () => {
  const text = readFixture('series.mbox');
  const p2 = reviewPatch(text, base, { analyze: () => [] }).patches[1]!.files[0]!;
  assert.ok(p2.preText!.includes('VOID\nFlowHit(')); // pre-image of patch 2 = post-image of patch 1
  const post = p2.postText!.split('\n');
  const addedAt = post.indexOf('        return STATUS_INSUFFICIENT_RESOURCES;');
  assert.equal(p2.postDocLines[addedAt], lineOf(text, '+        return STATUS_INSUFFICIENT_RESOURCES;'));
  assert.equal(p2.postDocLines[0], -1);
});

test('rename: findings follow the file to its new name, nothing introduced or fixed', () => {
  const dumpFinding = (files: SourceFile[]) => files.flatMap((f) => {
    const line = f.text.split('\n').findIndex((l) => l.startsWith('FlowDump('));
    return line < 0 ? [] : [finding('release-unheld', f.uri, line + 13, 'FlowDump', 'table->lock')];
  });
  const review = reviewPatch(readFixture('rename.patch'), base, { analyze: dumpFinding });
  const [file] = review.patches[0]!.files;
  assert.deepEqual([file!.file.status, file!.file.oldPath, file!.path, file!.file.similarity], ['renamed', 'datapath-windows/flow.c', 'datapath-windows/flow_table.c', 96]);
  assert.ok(file!.postText!.startsWith('/*\n * Flow table (flow_table.c) of the Windows'));
  assert.deepEqual(review.totals, { patches: 1, introduced: 0, fixed: 0, stillPresent: 0, failedHunks: 0, reconstructedFiles: 0 });
});

test('a hunk that does not apply is reported; the rest is reviewed', () => {
  const text = readFixture('offset-and-reject.patch');
  const review = reviewPatch(text, base, { analyze: textualLeakAnalyzer });
  const hunks = review.patches[0]!.files[0]!.hunks;
  assert.deepEqual(hunks.map((h) => [h.hunk.header, h.hunk.headerDocLine, h.applied]), [
    ['@@ -45,6 +45,7 @@', lineOf(text, '@@ -45,6 +45,7 @@ FlowGetStats(PFLOW_TABLE table, const FLOW_KEY *key, FLOW_STATS *stats)'), true],
    ['@@ -77,6 +78,7 @@', lineOf(text, '@@ -77,6 +78,7 @@ FlowDelete(PFLOW_TABLE table, const FLOW_KEY *key)'), false],
  ]);
  assert.equal(review.totals.failedHunks, 1);
  assert.deepEqual(review.patches[0]!.notes, ['hunk #1 @@ -45,6 +45,7 @@ applied at line 42 (offset -3)']);
});

test('base without the file: functions analysed as far as the hunks show them, and said so', () => {
  const text = readFixture('missing-base.patch');
  const review = reviewPatch(text, base, { analyze: textualLeakAnalyzer });
  const item = review.patches[0]!;
  assert.equal(item.files[0]!.reconstructed, true);
  assert.deepEqual(item.notes, [`datapath/conntrack.c is not in the base (directory ${baseDir}); analysed the functions as far as the hunks show them`]);
  assert.deepEqual(brief(item.introduced), [
    ['introduced', 'lock-leak', 'ct_update', 'datapath/conntrack.c', lineOf(text, '+        return -EINVAL;'), 'added'],
  ]);
  assert.equal(review.totals.reconstructedFiles, 1);
});

test('base64 mail: the introduced finding maps to the encoded line of its + line', () => {
  const text = readFixture('base64.eml');
  const doc = parsePatchDocument(text);
  const plus = doc.patches[0]!.files[0]!.hunks[0]!.lines.find((l) => l.text.includes('return flow != NULL'))!;
  const review = reviewDocument(doc, base, { analyze: textualLeakAnalyzer });
  assert.deepEqual(brief(review.patches[0]!.introduced), [
    ['introduced', 'lock-leak', 'FlowGetStats', 'datapath-windows/flow.c', plus.docLine, 'added'],
  ]);
  assert.equal(review.patches[0]!.introduced[0]!.patchLineText, '        return flow != NULL ? STATUS_SUCCESS : STATUS_NOT_FOUND;');
});

test('CRLF quoted-printable mail applies to the LF base and maps + lines to the mail lines', () => {
  const text = readFixture('crlf-quoted-printable.eml');
  const file = reviewPatch(text, base, { analyze: () => [] }).patches[0]!.files[0]!;
  assert.deepEqual(file.hunks.map((h) => [h.applied, h.offset]), [[true, 0]]);
  const post = file.postText!.split('\n');
  const at = post.indexOf('    spin_unlock(&vport->lock);');
  assert.equal(file.postDocLines[at], lineOf(text, '+    spin_unlock(&vport->lock);'));
  assert.ok(!file.postText!.includes('\r'));
});

test('a patch that adds the leak and a later patch that removes it: introduced by one, fixed by the other', () => {
  const leak = (sha: string, n: number, body: string[]): string[] => [
    `From ${sha} Mon Sep 17 00:00:00 2001`, 'From: Ada <ada@example.org>', `Subject: [PATCH ${n}/2] step ${n}`, '', 'msg', '---', '',
    'diff --git a/datapath/vport.c b/datapath/vport.c', '--- a/datapath/vport.c', '+++ b/datapath/vport.c', ...body, '-- ', '2.43.0', '',
  ];
  const text = [
    ...leak('1'.repeat(40), 1, ['@@ -25,6 +25,8 @@ static void vport_count_drop(struct vport *vport)', ' {', '     spin_lock_bh(&vport->lock);', '     vport->stats.tx_dropped++;',
      '+    if (vport->stats.tx_dropped > 1000)', '+        return;', '     spin_unlock_bh(&vport->lock);', ' }', ' ']),
    ...leak('2'.repeat(40), 2, ['@@ -26,8 +26,6 @@ static void vport_count_drop(struct vport *vport)', '     spin_lock_bh(&vport->lock);', '     vport->stats.tx_dropped++;',
      '-    if (vport->stats.tx_dropped > 1000)', '-        return;', '     spin_unlock_bh(&vport->lock);', ' }', ' ', ' int vport_send(struct vport *vport, struct sk_buff *skb)']),
  ].join('\n');
  const review = reviewPatch(text, base, { analyze: textualLeakAnalyzer });
  const interesting = (list: ReviewedFinding[]) => list.filter((r) => r.finding.functionName === 'vport_count_drop').map((r) => [r.status, r.patchOrdinal]);
  assert.deepEqual(interesting(review.patches[0]!.introduced), [['introduced', 0]]);
  assert.deepEqual(interesting(review.patches[1]!.fixed), [['fixed', 1]]);
  assert.equal(review.patches[1]!.fixed.find((r) => r.finding.functionName === 'vport_count_drop')!.patchLine, lineOf(text, '-        return;'));
});

test('patch summary for a CodeLens: introduced and fixed by rule, failed hunks, files not in the base', () => {
  const series = reviewPatch(readFixture('series.mbox'), base, { analyze: textualLeakAnalyzer });
  assert.deepEqual(series.patches.map(patchSummary), [
    'no lock or refcount findings change',
    'introduces 1 lock-leak',
    'fixes 1 lock-leak',
  ]);
  assert.equal(patchSummary(reviewPatch(readFixture('offset-and-reject.patch'), base, { analyze: textualLeakAnalyzer }).patches[0]!), '1 hunk did not apply');
  assert.equal(patchSummary(reviewPatch(readFixture('missing-base.patch'), base, { analyze: textualLeakAnalyzer }).patches[0]!), 'introduces 1 lock-leak · 1 file not in the base');
});

test('a base file that cannot be read as C skips that file with the reason, not the review', () => {
  const latin1: BaseProvider = {
    description: 'memory',
    read: (p) => {
      if (p === 'datapath/vport.c') throw new InputError('datapath/vport.c: not valid UTF-8; skipped (convert it to UTF-8 first)');
      return base.read(p);
    },
  };
  const review = reviewPatch(readFixture('series.mbox'), latin1, { analyze: textualLeakAnalyzer });
  assert.deepEqual(review.patches[2]!.files.map((f) => [f.path, f.skipped]), [['datapath/vport.c', 'datapath/vport.c: not valid UTF-8; skipped (convert it to UTF-8 first)']]);
  assert.equal(review.totals.introduced, 1);
});

test('a leak the patch leaves on a line it rewrites is still present; a new one before it is introduced', () => {
  const sp = readFixture('still-present.patch');
  const still = reviewPatch(sp, base, { analyze: textualLeakAnalyzer }).patches[0]!;
  assert.deepEqual([brief(still.introduced), brief(still.fixed)], [[], []]);
  assert.deepEqual(brief(still.stillPresent), [['still-present', 'lock-leak', 'vport_send', 'datapath/vport.c', lineOf(sp, '+        return -ENODEV;'), 'added']]);
  const sl = readFixture('second-leak.patch');
  const second = reviewPatch(sl, base, { analyze: textualLeakAnalyzer }).patches[0]!;
  assert.deepEqual(brief(second.introduced), [['introduced', 'lock-leak', 'vport_send', 'datapath/vport.c', lineOf(sl, '+        return -EMSGSIZE;'), 'added']]);
  assert.deepEqual([brief(second.fixed), brief(second.stillPresent)], [[], []]);
});
