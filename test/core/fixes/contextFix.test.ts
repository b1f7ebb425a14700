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
const NDIS = path.join(repoRoot, 'test', 'fixtures', 'locks', 'context_mismatch_ndis.c');

async function findings(uri: string, text: string): Promise<Finding[]> {
  return analyzeFiles(await testParser(), [{ uri, text }], { knowledge, fixes: true }).findings;
}

const TO_DISPATCH = 'Pass `NDIS_RWL_AT_DISPATCH_LEVEL`: IRQL is already DISPATCH_LEVEL here';
/** Each NDIS context-mismatch of the fixture (by function): the fix's title and the lines it rewrites; null: no fix. */
const EXPECTED: Record<string, { title: string; lines: [number, string][] } | null> = {
  OvsPortCountDrop: { title: TO_DISPATCH, lines: [[25, '    NdisAcquireRWLockRead(table->tableLock, &lockState, NDIS_RWL_AT_DISPATCH_LEVEL);']] },
  OvsPortResetFromDpc: { title: TO_DISPATCH, lines: [[51, '    NdisAcquireRWLockWrite(table->tableLock, &lockState, NDIS_RWL_AT_DISPATCH_LEVEL);']] },
  OvsPortNameCount: { title: TO_DISPATCH, lines: [[65, '    NdisAcquireRWLockRead(table->nameLock, &nameState, NDIS_RWL_AT_DISPATCH_LEVEL);']] },
  OvsPortRaised: { title: TO_DISPATCH, lines: [[80, '    NdisAcquireRWLockRead(table->tableLock, &lockState, NDIS_RWL_AT_DISPATCH_LEVEL);']] },
  OvsPortDumpAtDispatch: { title: TO_DISPATCH, lines: [[97, '    NdisAcquireRWLockRead(table->tableLock, &lockState, NDIS_RWL_AT_DISPATCH_LEVEL);']] },
  OvsPortAddChecked: { title: TO_DISPATCH, lines: [[114, '    NdisAcquireRWLockWrite(table->tableLock, &lockState, NDIS_RWL_AT_DISPATCH_LEVEL);']] },
  OvsPortCleanupPassive: {
    title: 'Take &table->statsLock with `NdisAcquireSpinLock` (and release it with `NdisReleaseSpinLock`)',
    lines: [[141, '    NdisAcquireSpinLock(&table->statsLock);'], [143, '    NdisReleaseSpinLock(&table->statsLock);']],
  },
  OvsPortTeardownPassive: {
    title: 'Pass `0`: this code runs below DISPATCH_LEVEL, NDIS must raise IRQL',
    lines: [[163, '    NdisAcquireRWLockWrite(table->tableLock, &lockState, 0);']],
  },
  // KeAcquireSpinLock needs a variable for the saved IRQL: not a one-line edit.
  OvsPortQueueFlushPassive: null,
  OvsPortGuardedUntold: { title: TO_DISPATCH, lines: [[251, '        NdisAcquireRWLockRead(table->tableLock, &lockState, NDIS_RWL_AT_DISPATCH_LEVEL);']] },
};

test('context-mismatch (NDIS): each fix writes the variant that fits the IRQL, and the function is then clean', async () => {
  const text = readFileSync(NDIS, 'utf8');
  const before = (await findings(NDIS, text)).filter((f) => f.ruleId === 'context-mismatch');
  assert.deepEqual(before.map((f) => f.functionName).sort(), Object.keys(EXPECTED).sort());
  for (const f of before) {
    const want = EXPECTED[f.functionName!]!;
    if (want === null) {
      assert.equal(f.fixes, undefined, `${f.functionName}: no fix`);
      continue;
    }
    const fix = f.fixes?.[0];
    assert.ok(fix, `${f.functionName}: a fix`);
    assert.equal(fix.title, want.title);
    assert.equal(fix.isPreferred, true);
    const lines = applyEdits(text, fix.edits).split('\n').map((l) => l.replace(/\s*\/\*[^*]*\*\/$/, ''));
    for (const [n, line] of want.lines) assert.equal(lines[n - 1], line, `${f.functionName}: line ${n}`);
    const after = (await findings(NDIS, applyEdits(text, fix.edits))).filter((x) => x.functionName === f.functionName);
    assert.deepEqual(after.map((x) => `${x.ruleId}@${x.range.start.line + 1}: ${x.message}`), []);
  }
});

test('context-mismatch: no variant fix when the function does not release the lock itself', async () => {
  const text = [
    'VOID PortLockPassive(PPORT_TABLE table)',
    '{',
    '    PAGED_CODE();',
    '    NdisDprAcquireSpinLock(&table->statsLock);',
    '    table->drops = 0;',
    '}',
    '',
  ].join('\n');
  const f = (await findings('file:///held.c', text)).filter((x) => x.ruleId === 'context-mismatch');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.fixes, undefined);
});
