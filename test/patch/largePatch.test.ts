import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { BaseProvider } from '../../src/core/patch/baseTree';
import { parsePatchDocument } from '../../src/core/patch/parsePatchDocument';
import { reviewDocument } from '../../src/core/patch/reviewPatch';
import { PatchParseError } from '../../src/core/patch/types';

/**
 * A ceiling that only catches a blow-up (quadratic placement of 21,000 hunks takes hours): not a speed
 * check, which a loaded machine would fail. The measured time is well under a second (`npm run bench`).
 */
const BUDGET_MS = 120_000;

function memoryBase(files: Record<string, string>): BaseProvider {
  return { description: 'memory', read: (p) => files[p] };
}

/** A datapath-like file: one small locked function per 8 lines. */
function bigBase(functions: number): string {
  const out: string[] = [];
  for (let i = 0; i < functions; i++) {
    out.push(`int flow_op_${i}(struct table *t)`, '{', '    spin_lock_bh(&t->lock);', `    t->ops[${i % 97}]++;`, '    spin_unlock_bh(&t->lock);', '    return 0;', '}', '');
  }
  return out.join('\n');
}

test('a 5 MB patch of 21,000 hunks parses and applies in bounded time', () => {
  const functions = 21_000;
  const base = bigBase(functions);
  const diff = ['diff --git a/dp/big.c b/dp/big.c', 'index 1111111..2222222 100644', '--- a/dp/big.c', '+++ b/dp/big.c'];
  for (let i = 0; i < functions; i++) {
    const line = i * 8 + 3;
    diff.push(`@@ -${line},4 +${line + i},5 @@ int flow_op_${i}(struct table *t)`, '     spin_lock_bh(&t->lock);', `     t->ops[${i % 97}]++;`,
      `+    t->hits[${i % 89}] += 1; /* a longer added line so the patch is realistically heavy ..... */`,
      '     spin_unlock_bh(&t->lock);', '     return 0;');
  }
  const text = `${diff.join('\n')}\n`;
  assert.ok(text.length > 5_000_000, `generated ${text.length} bytes`);
  const t0 = performance.now();
  const doc = parsePatchDocument(text);
  const review = reviewDocument(doc, memoryBase({ 'dp/big.c': base }), { analyze: () => [] });
  const ms = performance.now() - t0;
  const file = review.patches[0]!.files[0]!;
  assert.equal(file.hunks.length, functions);
  assert.ok(file.hunks.every((h) => h.applied && h.offset === 0));
  assert.equal(file.postText!.split('\n').length, base.split('\n').length + functions);
  assert.ok(ms < BUDGET_MS, `took ${ms.toFixed(0)} ms`);
});

test('worst cases stay bounded: identical lines everywhere, and a 5 MB line of garbage in a hunk', () => {
  const base = `${'}\n'.repeat(200_000)}`;
  const diff = ['--- a/x.c', '+++ b/x.c'];
  for (let i = 0; i < 200; i++) diff.push(`@@ -${i * 10 + 1},3 +${i * 10 + 1},3 @@`, ' }', '-not there', '+x', ' }');
  const t0 = performance.now();
  const review = reviewDocument(parsePatchDocument(diff.join('\n')), memoryBase({ 'x.c': base }), { analyze: () => [] });
  assert.equal(review.totals.failedHunks, 200);
  assert.ok(performance.now() - t0 < BUDGET_MS, `took ${(performance.now() - t0).toFixed(0)} ms`);

  // Context of nothing but braces in a file of braces: applied where declared, still fast.
  const braces = ['--- a/x.c', '+++ b/x.c'];
  for (let i = 0; i < 200; i++) braces.push(`@@ -${i * 900 + 1},2 +${i * 900 + 1 + i},3 @@`, ' }', '+int added_${i};', ' }');
  const t2 = performance.now();
  const ok = reviewDocument(parsePatchDocument(braces.join('\n')), memoryBase({ 'x.c': base }), { analyze: () => [] });
  assert.ok(ok.patches[0]!.files[0]!.hunks.every((h) => h.applied && h.offset === 0));
  assert.ok(performance.now() - t2 < BUDGET_MS, `took ${(performance.now() - t2).toFixed(0)} ms`);

  // Old lines that are everywhere yet never in that order: the search gives up after its cap.
  const pairs = '}\n}\n{\n{\n'.repeat(40_000);
  const t3 = performance.now();
  const capped = reviewDocument(parsePatchDocument(['--- a/x.c', '+++ b/x.c', '@@ -5,3 +5,4 @@', ' {', ' {', '+x', ' {'].join('\n')), memoryBase({ 'x.c': pairs }), { analyze: () => [] });
  assert.equal(capped.patches[0]!.files[0]!.hunks[0]!.reason, 'too many places in x.c look alike to place it (over 50000)');
  assert.ok(performance.now() - t3 < BUDGET_MS, `took ${(performance.now() - t3).toFixed(0)} ms`);

  const t1 = performance.now();
  const garbage = ['--- a/x.c', '+++ b/x.c', '@@ -1,2 +1,2 @@', ' a', `*${'@'.repeat(5_000_000)}`].join('\n');
  assert.throws(() => parsePatchDocument(garbage), (e: unknown) => e instanceof PatchParseError && e.line === 4);
  assert.ok(performance.now() - t1 < BUDGET_MS);
});
