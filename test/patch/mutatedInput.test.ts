import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { directoryBase } from '../../src/core/patch/baseTree';
import { parsePatchDocument } from '../../src/core/patch/parsePatchDocument';
import { reviewDocument } from '../../src/core/patch/reviewPatch';
import { PatchParseError } from '../../src/core/patch/types';
import { baseDir, readFixture } from './helpers/fixtures';
import { textualLeakAnalyzer } from './helpers/textualLeakAnalyzer';
import { mulberry32 } from '../../src/core/sim/random';

/** Small deterministic PRNG (mulberry32): the same mutations on every run. */
const rng = mulberry32;

const PIECES = ['\n', '\r\n', '@@ -1,3 +1,2 @@', '+', '-', ' ', '\\ No newline at end of file\n', 'diff --git a/x.c b/x.c\n', '=', '=3D', '--- ', '+++ ', 'From ', '"', '\t', '\u00e9', '\0'];

function mutate(text: string, random: () => number): string {
  let s = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(random() * (s.length + 1));
    const op = random();
    if (op < 0.3) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(random() * 40));
    else if (op < 0.7) s = s.slice(0, at) + PIECES[Math.floor(random() * PIECES.length)]! + s.slice(at);
    else if (op < 0.85) s = s.slice(0, at);
    else s = s.slice(0, at) + s.slice(at).replace(/\d/, String(Math.floor(random() * 10)));
  }
  return s;
}

test('mutated fixtures never crash: a review or a PatchParseError, nothing else', () => {
  const base = directoryBase(baseDir);
  const random = rng(8);
  const sources = ['series.mbox', 'rename.patch', 'offset-and-reject.patch', 'crlf-quoted-printable.eml', 'base64.eml', 'missing-base.patch', 'fix-release-unheld.patch'].map(readFixture);
  let parsed = 0;
  let rejected = 0;
  for (let i = 0; i < 400; i++) {
    const text = mutate(sources[i % sources.length]!, random);
    try {
      reviewDocument(parsePatchDocument(text), base, { analyze: textualLeakAnalyzer });
      parsed++;
    } catch (e) {
      if (!(e instanceof PatchParseError)) assert.fail(`mutation ${i} threw ${e instanceof Error ? e.stack : String(e)}\n--- input ---\n${text.slice(0, 2000)}`);
      assert.ok(e.line >= 0 && e.line <= text.split('\n').length, `line ${e.line} out of range`);
      rejected++;
    }
  }
  // Both outcomes occur: the mutations are neither all harmless nor all fatal.
  assert.ok(parsed > 0 && rejected > 0, `parsed ${parsed}, rejected ${rejected}`);
});
