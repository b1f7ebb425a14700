import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import type { Finding } from '../../../src/core/findings';
import { applyEdits } from '../../../src/core/fixes/applyEdits';
import { variantTextFix } from '../../../src/core/fixes/variantTextFix';
import { analyzeFiles } from '../../../src/core/project';
import { repoRoot, testParser } from '../../helpers/grammar';

const knowledge = builtinKnowledge();
const LINUX = path.join(repoRoot, 'test', 'fixtures', 'locks', 'context_mismatch_linux.c');

/** The findings and the end of each function with locks (the editor has both from a check). */
async function check(text: string): Promise<{ findings: Finding[]; ends: Map<string, Finding['range']['end']> }> {
  const r = analyzeFiles(await testParser(), [{ uri: LINUX, text }], { knowledge, fixes: true });
  return { findings: r.findings, ends: new Map(r.files[0]!.functions.map((f) => [f.name, f.range.end])) };
}

/** Each Linux context-mismatch of the fixture (by function): the fix's title and the lines it rewrites. */
const EXPECTED: Record<string, { title: string; lines: [number, string][] }> = {
  flow_stats_clear: { title: 'Take &stats->lock with `spin_lock_bh` (and release it with `spin_unlock_bh`)',
    lines: [[49, '    spin_lock_bh(&stats->lock);'], [52, '    spin_unlock_bh(&stats->lock);']] },
  flow_stats_snapshot: { title: 'Take &stats->lock with `spin_lock_bh` (and release it with `spin_unlock_bh`)',
    lines: [[64, '    spin_lock_bh(&stats->lock);'], [67, '    spin_unlock_bh(&stats->lock);']] },
  flow_stats_clear_late: { title: 'Take &stats->lock with `spin_lock_bh` (and release it with `spin_unlock_bh`)',
    lines: [[104, '    spin_lock_bh(&stats->lock);'], [106, '    spin_unlock_bh(&stats->lock);']] },
  // Against an interrupt handler: the _irq form (process context has interrupts on; no flags variable needed).
  port_queue_resize: { title: 'Take &q->lock with `spin_lock_irq` (and release it with `spin_unlock_irq`)',
    lines: [[166, '    spin_lock_irq(&q->lock);'], [168, '    spin_unlock_irq(&q->lock);']] },
};

test('context-mismatch (Linux): the fix takes the lock with the variant its other users need, releases with it, and the function is then clean', async () => {
  const text = readFileSync(LINUX, 'utf8');
  const { findings, ends } = await check(text);
  const mismatches = findings.filter((f) => f.ruleId === 'context-mismatch');
  assert.deepEqual(mismatches.map((f) => f.functionName).sort(), Object.keys(EXPECTED).sort());
  for (const f of mismatches) {
    const want = EXPECTED[f.functionName!]!;
    const fix = variantTextFix(text, f, ends.get(f.functionName!), knowledge);
    assert.ok(fix, `${f.functionName}: a fix`);
    assert.equal(fix.title, want.title);
    const fixed = applyEdits(text, fix.edits);
    const lines = fixed.split('\n').map((l) => l.replace(/\s*\/\*[^*]*\*\/$/, ''));
    for (const [n, line] of want.lines) assert.equal(lines[n - 1], line, `${f.functionName}: line ${n}`);
    // flow_stats_clear_late also writes `stats->bytes` before taking the lock: an unlocked-access of its own, not the variant's.
    const after = (await check(fixed)).findings.filter((x) => x.functionName === f.functionName && x.ruleId !== 'unlocked-access');
    assert.deepEqual(after.map((x) => `${x.ruleId}@${x.range.start.line + 1}: ${x.message}`), []);
  }
});

test('context-mismatch (Linux): no fix without the function\'s end, or when the function leaves the lock held', async () => {
  const text = readFileSync(LINUX, 'utf8');
  const { findings } = await check(text);
  const f = findings.find((x) => x.ruleId === 'context-mismatch' && x.functionName === 'flow_stats_clear')!;
  assert.equal(variantTextFix(text, f, undefined, knowledge), undefined);
  // The function's end placed right after the acquire: no release of the lock in it.
  assert.equal(variantTextFix(text, f, { line: f.range.end.line, column: f.range.end.column + 2 }, knowledge), undefined);
});
