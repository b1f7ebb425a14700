import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { analyzeFiles as analyzeSet } from '../../../src/core/project';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import { knowledgeFromConfigFile } from '../../../src/core/apis/config';
import { diffFindings, expectationsOf, listFixtureFiles } from '../../helpers/fixtures';
import { repoRoot, testParser } from '../../helpers/grammar';

/**
 * Every C fixture is analysed and its findings must match the `expect:` comments exactly:
 * a missing finding fails, and so does an unexpected one. Files in a folder ending in `.set`
 * are analysed together (cross-file summaries and lock order), with the folder's lockstep.json
 * if it has one; other files alone with the built-in API knowledge.
 */
const root = path.join(repoRoot, 'test', 'fixtures');
let parser: Parser;
before(async () => {
  parser = await testParser();
});
after(() => parser.delete());

function groups(): { name: string; files: string[]; config?: string }[] {
  const all = listFixtureFiles(root).filter((f) => !f.includes(`${path.sep}patches${path.sep}`) && !f.includes(`${path.sep}sim${path.sep}`));
  const sets = new Map<string, string[]>();
  const out: { name: string; files: string[]; config?: string }[] = [];
  for (const f of all) {
    const setDir = f.split(path.sep).find((p) => p.endsWith('.set'));
    if (setDir) {
      const k = f.slice(0, f.indexOf(setDir) + setDir.length);
      sets.set(k, [...(sets.get(k) ?? []), f]);
    } else out.push({ name: path.relative(root, f), files: [f] });
  }
  for (const [k, files] of sets) {
    const config = path.join(k, 'lockstep.json');
    out.push({ name: path.relative(root, k), files, config: fs.existsSync(config) ? config : undefined });
  }
  return out;
}

for (const g of groups()) {
  test(`fixture ${g.name}`, () => {
    const files = g.files.map((f) => ({ uri: path.relative(repoRoot, f), text: fs.readFileSync(f, 'utf8') }));
    const expected = files.flatMap((f) => expectationsOf(f.uri, f.text));
    const knowledge = g.config ? knowledgeFromConfigFile(g.config) : builtinKnowledge();
    const { findings } = analyzeSet(parser, files, { knowledge });
    const { missing, unexpected } = diffFindings(expected, findings);
    assert.deepEqual({ missing, unexpected }, { missing: [], unexpected: [] });
  });
}

test('fixtures exist and expect something', () => {
  const all = groups();
  assert.ok(all.length > 0);
  const total = all.flatMap((g) => g.files).reduce((n, f) => n + expectationsOf(f, fs.readFileSync(f, 'utf8')).length, 0);
  assert.ok(total > 0);
});
