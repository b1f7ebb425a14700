import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/findings';
import { applyEdits } from '../../../src/core/fixes/applyEdits';
import { suppressionFix } from '../../../src/core/fixes/suppression';

const text = 'int f(spinlock_t *l, int x)\n{\n\tspin_lock(l);\n\tif (x) return -1;\n\tspin_unlock(l);\n\treturn 0;\n}\n';
const leak: Finding = {
  ruleId: 'lock-leak', severity: 'warning', message: 'm', uri: 'file:///t.c', functionName: 'f', key: 'k', related: [], path: [],
  range: { start: { line: 3, column: 8 }, end: { line: 3, column: 18 } },
};

test('the suppression comment goes on its own line above the finding, indented like it', () => {
  const fix = suppressionFix(text, leak);
  assert.equal(applyEdits(text, fix.edits),
    'int f(spinlock_t *l, int x)\n{\n\tspin_lock(l);\n\t/* lockstep-ignore lock-leak: <reason> */\n\tif (x) return -1;\n\tspin_unlock(l);\n\treturn 0;\n}\n');
  assert.match(fix.title, /lock-leak/);
  assert.notEqual(fix.isPreferred, true);
});

test('on the first line of a file the comment becomes the new first line', () => {
  const fix = suppressionFix('spin_lock(l);', { ...leak, range: { start: { line: 0, column: 0 }, end: { line: 0, column: 4 } } });
  assert.equal(applyEdits('spin_lock(l);', fix.edits), '/* lockstep-ignore lock-leak: <reason> */\nspin_lock(l);');
});

test('applyEdits refuses overlapping edits', () => {
  const r = { start: { line: 0, column: 0 }, end: { line: 0, column: 3 } };
  assert.throws(() => applyEdits('abcdef', [{ range: r, newText: 'x' }, { range: { start: { line: 0, column: 2 }, end: { line: 0, column: 4 } }, newText: 'y' }]), /overlapping/);
});
