// The CLI, the editor's analysis worker and the patch reviewer run one pipeline (core/project):
// the same files give the same findings — rule, place and words — from all three.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import type { Finding } from '../../../src/core/findings';
import { engineAnalyzer } from '../../../src/core/patch/engineAnalyzer';
import { AnalysisSession } from '../../../src/extension/analysisSession';
import { ensureBuilt } from '../../helpers/build';
import { repoRoot, testParser } from '../../helpers/grammar';
import { runCli } from '../../cli/helpers';

const FILES = ['locks/use_after_unlock.c', 'locks/unlocked_access.c', 'locks/lock_macros.c', 'refs/alloc_handoff.c', 'refs/rcu_free.c', 'refs/skb_stale_pointers.c'];
const knowledge = builtinKnowledge();

let parser: Parser;
before(async () => {
  parser = await testParser();
});
after(() => parser.delete());

const key = (uri: string, line1: number, col1: number, rule: string, message: string): string => `${path.basename(uri)}:${line1}:${col1}:${rule}: ${message}`;
const fromCore = (fs_: Finding[]): string[] => fs_.map((f) => key(f.uri, f.range.start.line + 1, f.range.start.column + 1, f.ruleId, f.message)).sort();

test('CLI, editor worker and patch reviewer give identical findings on the same files', () => {
  ensureBuilt();
  const dir = path.join(repoRoot, 'test', 'fixtures');
  const sources = FILES.map((f) => ({ uri: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), 'utf8') }));

  const cli = runCli(['check', '--format', 'json', '--fail-on', 'none', ...FILES], { cwd: dir });
  assert.equal(cli.code, 0, cli.stderr);
  const doc = JSON.parse(cli.stdout) as { findings: { ruleId: string; message: string; uri: string; range: { start: { line: number; column: number } } }[] };
  const fromCli = doc.findings.map((f) => key(f.uri, f.range.start.line, f.range.start.column, f.ruleId, f.message)).sort();

  const session = new AnalysisSession(parser);
  try {
    session.configure({ knowledge });
    for (const s of sources) session.open(s.uri, 1, s.text);
    const fromEditor = fromCore(sources.flatMap((s) => session.check(s.uri).findings));
    const fromPatch = fromCore(engineAnalyzer(parser, knowledge)(sources));
    assert.ok(fromCli.length >= 15, `${fromCli.length} findings`);
    assert.deepEqual(fromEditor, fromCli);
    assert.deepEqual(fromPatch, fromCli);
  } finally {
    session.dispose();
  }
});
