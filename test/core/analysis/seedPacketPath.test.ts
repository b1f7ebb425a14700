// The seed thread's packet path in C: a flow found under the datapath lock and used after the
// lock is dropped is a use-after-unlock; the same path with the reference taken before the unlock
// (the thread's OVS_REFCOUNT_REFERENCE) is quiet. The simulator's C fixtures are the inputs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import { analyzeFiles } from '../../../src/core/project';
import { repoRoot, testParser } from '../../helpers/grammar';

let parser: Parser;
before(async () => {
  parser = await testParser();
});
after(() => parser.delete());

function findingsOf(name: string): string[] {
  const uri = path.join(repoRoot, 'test', 'fixtures', 'sim', name);
  const r = analyzeFiles(parser, [{ uri, text: fs.readFileSync(uri, 'utf8') }], { knowledge: builtinKnowledge() });
  return r.findings.map((f) => `${f.functionName}:${f.range.start.line + 1}:${f.ruleId}`);
}

test('the packet path that drops the lock before using the flow: use-after-unlock at the use', () => {
  assert.deepEqual(findingsOf('bug_use_after_unlock.c'), ['OvsPacketPath:25:use-after-unlock']);
});

test('the packet path that takes the reference before dropping the lock: quiet about the flow', () => {
  assert.deepEqual(findingsOf('seed_refcount_api.c').filter((f) => f.includes('use-after-unlock')), []);
  assert.deepEqual(findingsOf('seed_refcount_api_locked.c').filter((f) => f.includes('use-after-unlock')), []);
});
