import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../src/core/findings';
import { RULE_IDS } from '../../src/core/findings';
import { formatText, summaryLine } from '../../src/core/report/text';
import { formatJson, toJsonReport } from '../../src/core/report/json';
import { toSarif } from '../../src/core/report/sarif';
import { allRules, DEFAULT_HELP_BASE_URI } from '../../src/core/report/ruleCatalog';
import { RULES, ruleDocPath } from '../../src/core/rules/registry';
import { repoRoot } from '../helpers/grammar';
import { sarifSchemaErrors } from './sarifSchema';

const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, column: c1 }, end: { line: l2, column: c2 } });
const cwd = path.resolve('/work/proj');

const leak: Finding = {
  ruleId: 'lock-leak',
  severity: 'warning',
  message: '`&dp->lock` taken at line 12 (NdisAcquireRWLockWrite) is still held at the return on line 19',
  uri: 'datapath/flow.c',
  range: r(18, 4, 18, 14),
  functionName: 'OvsFlowPut',
  related: [{ range: r(11, 4, 11, 40), message: 'acquired here' }, { uri: 'datapath/other file.c', range: r(2, 0, 2, 5), message: 'declared here' }],
  path: [{ range: r(11, 4, 11, 40), message: 'lock taken' }, { range: r(15, 8, 15, 20), message: '`flow == NULL` is true' }],
  fixes: [{ title: 'Release before returning', edits: [{ range: r(18, 4, 18, 4), newText: 'NdisReleaseRWLock(dp->lock, &ls);\n    ' }] }],
  key: 'lock-leak|OvsFlowPut|&dp->lock|return',
};
const order: Finding = {
  ruleId: 'lock-order', severity: 'error', message: 'lock order cycle', uri: path.join(cwd, 'b.c'), range: r(0, 0, 0, 3),
  functionName: 'b_fn', related: [], path: [], key: 'lock-order|a|b',
};
const outside: Finding = { ...order, ruleId: 'analysis-incomplete', severity: 'note', uri: '/elsewhere/c.c', key: 'x' };

describe('text formatter', () => {
  test('gcc-style first line (1-based), related notes and a numbered path', () => {
    assert.equal(formatText([leak, order], { cwd }), [
      'datapath/flow.c:19:5: warning: `&dp->lock` taken at line 12 (NdisAcquireRWLockWrite) is still held at the return on line 19 [lock-leak]',
      '    datapath/flow.c:12:5: note: acquired here',
      '    datapath/other file.c:3:1: note: declared here',
      '    path in OvsFlowPut():',
      '      1. datapath/flow.c:12:5: lock taken',
      '      2. datapath/flow.c:16:9: `flow == NULL` is true',
      'b.c:1:1: error: lock order cycle [lock-order]',
      '',
    ].join('\n'));
    assert.equal(formatText([], { cwd }), '');
  });

  test('summary counts by severity', () => {
    assert.equal(summaryLine([leak, order, order], 2), '3 findings (2 errors, 1 warning) in 2 files');
    assert.equal(summaryLine([], 1), '0 findings in 1 file');
  });
});

describe('JSON formatter', () => {
  test('keeps the Finding shape with 1-based positions and a summary', () => {
    const rep = toJsonReport([leak], 4);
    assert.deepEqual(rep.summary, { files: 4, findings: 1, error: 0, warning: 1, note: 0 });
    assert.deepEqual(rep.findings[0]!.range, r(19, 5, 19, 15));
    assert.deepEqual(rep.findings[0]!.path[1]!.range, r(16, 9, 16, 21));
    assert.deepEqual(rep.findings[0]!.fixes![0]!.edits[0]!.range, r(19, 5, 19, 5));
    assert.deepEqual(leak.range, r(18, 4, 18, 14), 'input not changed');
    assert.deepEqual(JSON.parse(formatJson([leak], 4)), JSON.parse(JSON.stringify(rep)));
  });
});

describe('SARIF formatter', () => {
  const helpBaseUri = 'https://example.org/lockstep/docs/rules/';
  const log = toSarif([leak, order, outside], { cwd, helpBaseUri });
  const run = log.runs[0]!;

  test('validates against the official SARIF 2.1.0 schema', () => {
    assert.deepEqual(sarifSchemaErrors(log), []);
    assert.deepEqual(sarifSchemaErrors(toSarif([], { cwd, helpBaseUri })), []);
  });

  test('the schema check rejects a broken log (it can fail)', () => {
    const broken = structuredClone(log) as unknown as { runs: { results: { level: string }[] }[] };
    broken.runs[0]!.results[0]!.level = 'fatal';
    assert.notDeepEqual(sarifSchemaErrors(broken), []);
  });

  test('the default help URI is the repository\'s https page of the rule, not a path on the machine that ran it (issue 21 item 5)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { repository: { url: string } };
    assert.match(pkg.repository.url, /^https:\/\//);
    assert.equal(DEFAULT_HELP_BASE_URI, `${pkg.repository.url.replace(/\.git$/, '')}/blob/main/docs/rules/`);
    const uri = toSarif([], { cwd }).runs[0]!.tool.driver.rules![0]!.helpUri!;
    assert.match(uri, /^https:\/\/[^\s]+\/docs\/rules\/[a-z-]+\.md$/);
    assert.ok(!uri.includes(repoRoot), uri);
  });

  test('describes every rule with a help URI to an existing rule page', () => {
    const ids = run.tool.driver.rules!.map((d) => d.id);
    assert.deepEqual([...ids].sort(), [...RULE_IDS].sort());
    for (const d of run.tool.driver.rules!) {
      const id = d.id as (typeof RULE_IDS)[number];
      assert.equal(d.shortDescription?.text, RULES[id].short);
      assert.equal(d.defaultConfiguration?.level, RULES[id].defaultSeverity);
      assert.equal(d.helpUri, `${helpBaseUri}${d.id}.md`);
      assert.ok(fs.existsSync(path.join(repoRoot, ruleDocPath(id))), `doc page for ${d.id}`);
    }
    assert.equal(allRules().length, RULE_IDS.length);
    assert.equal(allRules()[0]!.name, 'LockLeak');
    const byDefault = toSarif([], { cwd }).runs[0]!.tool.driver.rules![0]!;
    assert.equal(byDefault.helpUri, `${DEFAULT_HELP_BASE_URI}${byDefault.id}.md`);
  });

  test('results carry rule, level, message, location, logical location, related locations and the path', () => {
    const res = run.results![0]!;
    assert.equal(res.ruleId, 'lock-leak');
    assert.equal(run.tool.driver.rules![res.ruleIndex!]!.id, 'lock-leak');
    assert.equal(res.level, 'warning');
    assert.equal(res.message.text, leak.message);
    assert.deepEqual(res.locations![0]!.physicalLocation, {
      artifactLocation: { uri: 'datapath/flow.c', uriBaseId: '%SRCROOT%' },
      region: { startLine: 19, startColumn: 5, endLine: 19, endColumn: 15 },
    });
    assert.deepEqual(res.locations![0]!.logicalLocations, [{ name: 'OvsFlowPut', kind: 'function' }]);
    assert.equal(res.relatedLocations!.length, 2);
    assert.equal(res.relatedLocations![1]!.physicalLocation!.artifactLocation!.uri, 'datapath/other%20file.c');
    const steps = res.codeFlows![0]!.threadFlows[0]!.locations;
    assert.deepEqual(steps.map((s) => [s.location!.physicalLocation!.region!.startLine, s.location!.message!.text]), [[12, 'lock taken'], [16, '`flow == NULL` is true']]);
    assert.equal(res.fixes![0]!.artifactChanges[0]!.replacements[0]!.insertedContent!.text, 'NdisReleaseRWLock(dp->lock, &ls);\n    ');
  });

  test('absolute paths under cwd become relative; others become file URIs', () => {
    assert.equal(run.results![1]!.locations![0]!.physicalLocation!.artifactLocation!.uri, 'b.c');
    assert.equal(run.results![1]!.level, 'error');
    assert.equal(run.results![1]!.relatedLocations, undefined);
    assert.equal(run.results![1]!.codeFlows, undefined);
    assert.equal(run.results![2]!.locations![0]!.physicalLocation!.artifactLocation!.uri, 'file:///elsewhere/c.c');
    assert.equal(run.originalUriBaseIds!['%SRCROOT%']!.uri, 'file:///work/proj/');
  });
});
