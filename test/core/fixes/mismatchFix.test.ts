import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import type { Finding } from '../../../src/core/findings';
import { applyEdits } from '../../../src/core/fixes/applyEdits';
import { analyzeFiles } from '../../../src/core/project';
import { repoRoot, testParser } from '../../helpers/grammar';

const knowledge = builtinKnowledge();
const LOCKS = path.join(repoRoot, 'test', 'fixtures', 'locks');

/** Every release-mismatch of the lock fixtures and the release its fix writes (the acquire is on the line before). */
const EXPECTED: Record<string, Record<number, string>> = {
  'kernel_win_seh.c': { 61: 'KeReleaseSpinLock(&table->lock, oldIrql)', 119: 'KeReleaseSpinLockFromDpcLevel(&table->lock)' },
  'linux_mutex_rcu.c': { 75: 'up_read(&vp->sem)' },
  'linux_spin.c': { 68: 'spin_unlock_irqrestore(&tbl->lock, flags)', 76: 'spin_unlock_bh(&tbl->lock)', 98: 'spin_unlock_irqrestore(&tbl->lock, flags)' },
  'ndis_datapath.c': { 68: 'NdisReleaseRWLock(datapath->lock, &lockState)', 88: 'NdisDprReleaseSpinLock(&ctx->dispatchLock)' },
  'ovs_userspace.c': { 129: 'ovs_rwlock_unlock(&dp->upcall_rwlock)' },
};

async function findings(uri: string, text: string): Promise<Finding[]> {
  return analyzeFiles(await testParser(), [{ uri, text }], { knowledge, fixes: true }).findings;
}

const lock = (f: Finding): boolean => ['lock-leak', 'release-unheld', 'release-mismatch', 'double-acquire'].includes(f.ruleId);

for (const [file, lines] of Object.entries(EXPECTED)) {
  test(`${file}: each release-mismatch is fixed by the release that matches its acquire, and the function is then clean`, async () => {
    const uri = path.join(LOCKS, file);
    const text = readFileSync(uri, 'utf8');
    const before = await findings(uri, text);
    const mismatches = before.filter((f) => f.ruleId === 'release-mismatch');
    assert.deepEqual(mismatches.map((f) => f.range.start.line + 1).sort((a, b) => a - b), Object.keys(lines).map(Number));
    for (const m of mismatches) {
      const line = m.range.start.line + 1;
      const fix = m.fixes?.[0];
      assert.ok(fix, `line ${line}: a fix`);
      assert.equal(fix.isPreferred, true);
      assert.match(fix.title, new RegExp(`^Replace with \`${lines[line]!.replace(/[()[\]&>-]/g, '\\$&')}\` \\(matches the acquire on line \\d+\\)$`));
      const fixed = applyEdits(text, fix.edits);
      const fixedLine = fixed.split('\n')[line - 1]!;
      assert.ok(fixedLine.includes(`${lines[line]!};`), `line ${line} now reads: ${fixedLine}`);
      // Nothing about locks is left in that function: the fix is the whole answer, not a new problem.
      const after = (await findings(uri, fixed)).filter((f) => f.functionName === m.functionName && lock(f));
      assert.deepEqual(after.map((f) => `${f.ruleId}@${f.range.start.line + 1}: ${f.message}`), []);
    }
  });
}

test('no fix when the acquire is the caller\'s (function contract): there is no acquire here to match', async () => {
  const text = 'void drop_held(struct tbl *t)\n{\n\tlockdep_assert_held_read(&t->sem);\n\tup_write(&t->sem);\n}\n';
  const mismatches = (await findings('file:///contract.c', text)).filter((x) => x.ruleId === 'release-mismatch');
  assert.equal(mismatches.length, 1);
  assert.match(mismatches[0]!.message, /how the caller holds it/);
  assert.equal(mismatches[0]!.fixes, undefined);
});
