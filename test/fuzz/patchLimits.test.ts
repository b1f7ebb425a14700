import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding } from '../../src/core/findings';
import { DEFAULT_MAX_FILE_BYTES } from '../../src/core/input';
import { parsePatchDocument, PatchParseError, reviewPatch, type BaseProvider } from '../../src/core/patch/index';
import { MAX_RECONSTRUCTED_LINES } from '../../src/core/patch/reconstruct';

/**
 * Found by the fuzzer (test/fuzz/regressions/patch/064e9760a993): a hunk header naming line
 * 4294967295 of a file the base lacks made reconstruction pad four billion blank lines, and the
 * process ran out of heap. Headers past the input size limit are now refused, and a missing file
 * is rebuilt only up to MAX_RECONSTRUCTED_LINES.
 */
const emptyBase: BaseProvider = { description: 'empty base', read: () => undefined };
const noFindings = (): Finding[] => [];

function patchAt(oldStart: number, newStart: number): string {
  return `--- a/dp/ct.c\n+++ b/dp/ct.c\n@@ -${oldStart},2 +${newStart},3 @@ int ct_update(struct ct *ct)\n     spin_lock(&ct->lock);\n+    if (!ct) return -1;\n     spin_unlock(&ct->lock);\n`;
}

describe('hunk line numbers are bounded', () => {
  test('a header naming a line past the input size limit is a PatchParseError naming the header', () => {
    assert.throws(() => parsePatchDocument(patchAt(4294967295, 12)), (e: unknown) =>
      e instanceof PatchParseError && e.line === 2 && /"@@ -4294967295,2 \+12,3 @@" names 4294967295 lines/.test(e.message));
    assert.throws(() => parsePatchDocument(patchAt(1, DEFAULT_MAX_FILE_BYTES + 1)), PatchParseError);
  });

  test('a header at the size limit still parses', () => {
    const doc = parsePatchDocument(patchAt(DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILE_BYTES));
    assert.equal(doc.patches[0]!.files[0]!.hunks[0]!.oldStart, DEFAULT_MAX_FILE_BYTES);
  });

  test('a missing base file with a hunk past the reconstruction bound is skipped with a message, quickly', () => {
    const t0 = Date.now();
    const review = reviewPatch(patchAt(MAX_RECONSTRUCTED_LINES + 5, 12), emptyBase, { analyze: noFindings });
    const file = review.patches[0]!.files[0]!;
    assert.match(file.skipped ?? '', new RegExp(`starts at line ${MAX_RECONSTRUCTED_LINES + 5}; a file missing from the base is rebuilt only up to line ${MAX_RECONSTRUCTED_LINES}`));
    assert.ok(Date.now() - t0 < 60_000, 'a ceiling that catches rebuilding the file line by line, not a speed check');
  });

  test('a missing base file with a hunk at a realistic line is still rebuilt at that line', () => {
    let seen = '';
    const review = reviewPatch(patchAt(5000, 5000), emptyBase, { analyze: (files) => { seen = files[0]?.text ?? ''; return []; } });
    assert.equal(review.patches[0]!.files[0]!.reconstructed, true);
    assert.equal(seen.split('\n').findIndex((l) => l.includes('spin_lock(&ct->lock)')), 4999);
  });
});
