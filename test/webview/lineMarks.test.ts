import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GUTTER_COLOURS, LABEL_COLUMNS, gutterMarkSvg, labelFits, markHover } from '../../src/extension/simulator/lineMarks';

test('the gutter mark: the lane colour, a circle for a packet and a square for a put, the number inside', () => {
  const packet = gutterMarkSvg(1, 'packet 2');
  assert.match(packet, new RegExp(`<circle [^>]*fill="${GUTTER_COLOURS[1]}"`));
  assert.match(packet, />2<\/text>/);
  const put = gutterMarkSvg(2, 'put 1');
  assert.match(put, new RegExp(`<rect [^>]*fill="${GUTTER_COLOURS[2]}"`));
  assert.match(put, />1<\/text>/);
  assert.doesNotMatch(gutterMarkSvg(0, 'OvsPacketPath'), /<text/);
});

test('the label after a line only when line and label end within the columns an editor beside the panel shows', () => {
  assert.equal(labelFits('    flow = lookup(key);', '◀ packet 1', 4), true);
  assert.equal(labelFits(`${'x'.repeat(LABEL_COLUMNS - 12)}`, '◀ packet 1', 4), true);
  assert.equal(labelFits(`${'x'.repeat(LABEL_COLUMNS - 11)}`, '◀ packet 1', 4), false);
  // Tabs count as the editor draws them.
  assert.equal(labelFits(`\t\t\t\t\t\t\t\t${'x'.repeat(LABEL_COLUMNS - 32 - 12)}`, '◀ packet 1', 4), true);
  assert.equal(labelFits(`\t\t\t\t\t\t\t\t${'x'.repeat(LABEL_COLUMNS - 32 - 12)}`, '◀ packet 1', 8), false);
});

test('the hover says who is on the line and why, in words', () => {
  assert.equal(markHover([
    { context: 'c2', label: 'put 1', colour: 2, line: 4, current: true },
    { context: 'c0', label: 'packet 1', colour: 0, line: 4, current: false },
    { context: 'c1', label: 'packet 2 (not started)', colour: 1, line: 4, current: false },
  ]), 'put 1: took the current step here\n\npacket 1: its latest step was here\n\npacket 2: starts here (it has not run yet)');
});
