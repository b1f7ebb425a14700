import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges, diffTexts, lengthAfter, pointAt } from '../../src/extension/textChanges';

test('applyChanges applies VS Code style changes in order', () => {
  const text = 'int f(void) {\n  return 0;\n}\n';
  // Two non-overlapping changes, last-in-document first (how VS Code orders a multi-cursor edit).
  const changes = [
    { offset: text.indexOf('0;'), length: 1, text: '-1' },
    { offset: text.indexOf('void'), length: 4, text: 'int x' },
  ];
  assert.equal(applyChanges(text, changes), 'int f(int x) {\n  return -1;\n}\n');
  assert.equal(lengthAfter(text.length, changes), 'int f(int x) {\n  return -1;\n}\n'.length);
});

test('applyChanges refuses a change outside the text', () => {
  assert.equal(applyChanges('abc', [{ offset: 2, length: 5, text: '' }]), undefined);
  assert.equal(applyChanges('abc', [{ offset: -1, length: 0, text: 'x' }]), undefined);
});

test('diffTexts finds the one changed span', () => {
  assert.equal(diffTexts('same', 'same'), undefined);
  assert.deepEqual(diffTexts('spin_lock(l);', 'spin_unlock(l);'), { start: 5, oldEnd: 5, newEnd: 7 });
  assert.deepEqual(diffTexts('abcdef', 'abef'), { start: 2, oldEnd: 4, newEnd: 2 });
  assert.deepEqual(diffTexts('', 'x'), { start: 0, oldEnd: 0, newEnd: 1 });
});

test('diffTexts never splits a surrogate pair', () => {
  const d = diffTexts('a\u{1F600}b', 'a\u{1F601}b')!;
  assert.equal(d.start, 1);
});

test('pointAt gives row and UTF-16 column', () => {
  const t = 'ab\ncdé\n\nx';
  assert.deepEqual(pointAt(t, 0), { row: 0, column: 0 });
  assert.deepEqual(pointAt(t, 3), { row: 1, column: 0 });
  assert.deepEqual(pointAt(t, 6), { row: 1, column: 3 });
  assert.deepEqual(pointAt(t, 8), { row: 3, column: 0 });
});
