import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { builtinKnowledge } from '../../src/core/apis/builtin';
import { directoryBase } from '../../src/core/patch/baseTree';
import { engineAnalyzer } from '../../src/core/patch/engineAnalyzer';
import { reviewPatch } from '../../src/core/patch/reviewPatch';
import type { PatchReview, ReviewedFinding } from '../../src/core/patch/reviewTypes';
import { testParser } from '../helpers/grammar';
import { sarifSchemaErrors } from '../report/sarifSchema';
import { baseDir, lineOf, patchFixtures, readFixture } from './helpers/fixtures';
import { runPatchCli } from './helpers/runCli';

/** The fixtures reviewed by the real engine: rule, function, file and the patch line, per status. */
const brief = (list: ReviewedFinding[]) => list.map((r) => [r.finding.ruleId, r.finding.functionName, r.finding.uri, r.patchLine]);

describe('patch review with the full engine', () => {
  let parser: Parser;
  let review: (name: string) => PatchReview;
  before(async () => {
    parser = await testParser();
    const analyze = engineAnalyzer(parser, builtinKnowledge());
    review = (name) => reviewPatch(readFixture(name), directoryBase(baseDir), { analyze });
  });
  after(() => parser.delete());

  test('series: patch 2 introduces a lock leak in FlowPut, patch 3 fixes the one in vport_send', () => {
    const text = readFixture('series.mbox');
    const r = review('series.mbox');
    assert.deepEqual(r.patches.map((p) => [brief(p.introduced), brief(p.fixed), brief(p.stillPresent)]), [
      [[], [], []],
      [[['lock-leak', 'FlowPut', 'datapath-windows/flow.c', lineOf(text, '+        return STATUS_INSUFFICIENT_RESOURCES;')]], [], []],
      [[], [['lock-leak', 'vport_send', 'datapath/vport.c', lineOf(text, '         return -ENETDOWN;')]], []],
    ]);
  });

  test('a fix is reported as fixed, not introduced', () => {
    const text = readFixture('fix-release-unheld.patch');
    const p = review('fix-release-unheld.patch').patches[0]!;
    assert.deepEqual(brief(p.introduced), []);
    assert.deepEqual(brief(p.fixed), [['release-unheld', 'FlowDump', 'datapath-windows/flow.c', lineOf(text, '     NdisReleaseRWLock(table->lock, &lockState);')]]);
  });

  test('a rename keeps the base\'s findings matched: nothing introduced or fixed', () => {
    const r = review('rename.patch');
    assert.deepEqual([r.totals.introduced, r.totals.fixed], [0, 0]);
  });

  test('CRLF quoted-printable mail: the plain unlock of a _bh lock is introduced on its + line', () => {
    const text = readFixture('crlf-quoted-printable.eml');
    const p = review('crlf-quoted-printable.eml').patches[0]!;
    assert.deepEqual(brief(p.introduced), [['release-mismatch', 'vport_set_running', 'datapath/vport.c', lineOf(text, '+    spin_unlock(&vport->lock);')]]);
  });

  test('base64 mail: the early return holding the read lock is introduced', () => {
    const p = review('base64.eml').patches[0]!;
    assert.deepEqual(p.introduced.map((x) => [x.finding.ruleId, x.finding.functionName, x.patchLineKind, x.patchLineText]), [
      ['lock-leak', 'FlowGetStats', 'added', '        return flow != NULL ? STATUS_SUCCESS : STATUS_NOT_FOUND;'],
    ]);
  });

  test('a leak left on a rewritten line is still present; a new leaking exit before an old one is the introduced one', () => {
    const sp = readFixture('still-present.patch');
    const still = review('still-present.patch').patches[0]!;
    assert.deepEqual([brief(still.introduced), brief(still.fixed)], [[], []]);
    assert.deepEqual(brief(still.stillPresent), [['lock-leak', 'vport_send', 'datapath/vport.c', lineOf(sp, '+        return -ENODEV;')]]);
    const sl = readFixture('second-leak.patch');
    const second = review('second-leak.patch').patches[0]!;
    assert.deepEqual(brief(second.introduced), [['lock-leak', 'vport_send', 'datapath/vport.c', lineOf(sl, '+        return -EMSGSIZE;')]]);
    assert.deepEqual([brief(second.fixed), brief(second.stillPresent)], [[], []]);
  });

  test('file missing from the base: the leak is found in the function rebuilt from the hunk', () => {
    const text = readFixture('missing-base.patch');
    const p = review('missing-base.patch').patches[0]!;
    assert.deepEqual(brief(p.introduced), [['lock-leak', 'ct_update', 'datapath/conntrack.c', lineOf(text, '+        return -EINVAL;')]]);
  });
});

describe('lockstep patch CLI with the full engine', () => {
  test('exit 1 when a patch introduces a finding; text quotes the + line and the subject', async () => {
    const file = path.join(patchFixtures, 'series.mbox');
    const r = await runPatchCli([file, '--base-dir', baseDir]);
    assert.equal(r.code, 1);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  introduced: datapath-windows/flow.c:72:9: error: ') && l.endsWith('[lock-leak]'));
    assert.ok(at > 0, r.stdout);
    assert.deepEqual(lines.slice(at + 1, at + 3), [
      '      in [PATCH 2/3] datapath-windows: refuse a flow put when the table is full',
      `      ${file}:${lineOf(readFixture('series.mbox'), '+        return STATUS_INSUFFICIENT_RESOURCES;') + 1}: +        return STATUS_INSUFFICIENT_RESOURCES;`,
    ]);
    assert.equal(lines[lines.length - 2], `3 patches against directory ${baseDir}: 1 introduced, 1 fixed, 0 still present on touched lines`);
  });

  test('exit 0 for a patch that only fixes', async () => {
    assert.equal((await runPatchCli([path.join(patchFixtures, 'fix-release-unheld.patch'), '--base-dir', baseDir])).code, 0);
  });

  test('sarif: schema-valid, the introduced finding located in the post-image with the patch line related', async () => {
    const file = path.join(patchFixtures, 'series.mbox');
    const r = await runPatchCli([file, '--base-dir', baseDir, '--format', 'sarif']);
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout) as {
      runs: { results: { ruleId: string; properties: { patch: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; relatedLocations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    assert.deepEqual(sarifSchemaErrors(log), []);
    const [res, ...more] = log.runs[0]!.results;
    assert.equal(more.length, 0);
    assert.equal(res!.ruleId, 'lock-leak');
    assert.equal(res!.properties.patch, '[PATCH 2/3] datapath-windows: refuse a flow put when the table is full');
    assert.deepEqual([res!.locations[0]!.physicalLocation.artifactLocation.uri, res!.locations[0]!.physicalLocation.region.startLine], ['datapath-windows/flow.c', 72]);
    const last = res!.relatedLocations[res!.relatedLocations.length - 1]!;
    assert.equal(last.physicalLocation.artifactLocation.uri, `file://${file}`);
    assert.equal(last.physicalLocation.region.startLine, lineOf(readFixture('series.mbox'), '+        return STATUS_INSUFFICIENT_RESOURCES;') + 1);
  });

  test('json: 1-based patch lines and findings, per patch', async () => {
    const r = await runPatchCli([path.join(patchFixtures, 'crlf-quoted-printable.eml'), '--base-dir', baseDir, '--format', 'json']);
    const json = JSON.parse(r.stdout) as { positions: string; patches: { introduced: { status: string; patchLine: number; patchLineKind: string; finding: { ruleId: string; range: { start: { line: number } } } }[] }[] };
    assert.equal(json.positions, '1-based');
    const [f] = json.patches[0]!.introduced;
    assert.deepEqual([f!.status, f!.finding.ruleId, f!.patchLineKind, f!.patchLine, f!.finding.range.start.line],
      ['introduced', 'release-mismatch', 'added', lineOf(readFixture('crlf-quoted-printable.eml'), '+    spin_unlock(&vport->lock);') + 1, 56]);
  });
});
