import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { diffFindings, touchesLines, type FindingDiffInput } from '../../src/core/patch/differentialFindings';
import { finding } from './helpers/findings';

const none = new Map<string, Set<number>>();
const input = (over: Partial<FindingDiffInput>): FindingDiffInput => ({ pre: [], post: [], renamed: new Map(), addedLines: none, removedLines: none, ...over });
const ids = (list: { key: string; range: { start: { line: number } } }[]) => list.map((f) => `${f.key}@${f.range.start.line}`);

test('a key only after the patch is introduced; only before, fixed — lines do not matter', () => {
  const pre = [finding('lock-leak', 'flow.c', 40, 'FlowPut', 'table->lock'), finding('release-unheld', 'flow.c', 90, 'FlowDump', 'table->lock')];
  // Everything moved down by 12 lines; FlowDump's bug is gone, FlowGet gained one.
  const post = [finding('lock-leak', 'flow.c', 52, 'FlowPut', 'table->lock'), finding('double-acquire', 'flow.c', 20, 'FlowGet', 'table->lock')];
  const d = diffFindings(input({ pre, post }));
  assert.deepEqual(ids(d.introduced), ['double-acquire|FlowGet|table->lock@20']);
  assert.deepEqual(ids(d.fixed), ['release-unheld|FlowDump|table->lock@90']);
  assert.deepEqual(d.stillPresent, []);
});

test('same rule and function but another lock is a different finding', () => {
  const d = diffFindings(input({
    pre: [finding('lock-leak', 'v.c', 10, 'vport_send', '&vport->lock')],
    post: [finding('lock-leak', 'v.c', 10, 'vport_send', '&vport->tx_lock')],
  }));
  assert.deepEqual(ids(d.introduced), ['lock-leak|vport_send|&vport->tx_lock@10']);
  assert.deepEqual(ids(d.fixed), ['lock-leak|vport_send|&vport->lock@10']);
});

test('keys count as a multiset: a second leak of the same key is introduced, and it is the one on a + line', () => {
  const pre = [finding('lock-leak', 'f.c', 30, 'FlowPut', 'table->lock')];
  const post = [finding('lock-leak', 'f.c', 30, 'FlowPut', 'table->lock'), finding('lock-leak', 'f.c', 25, 'FlowPut', 'table->lock')];
  const d = diffFindings(input({ pre, post, addedLines: new Map([['f.c', new Set([25])]]) }));
  assert.deepEqual(ids(d.introduced), ['lock-leak|FlowPut|table->lock@25']);
  assert.deepEqual(d.fixed, []);
});

test('a finding in both images reported on a line the patch adds is still present; one whose path only crosses it is not', () => {
  const onAdded = finding('lock-leak', 'f.c', 12, 'A', 'l');
  const pathThroughAdded = finding('lock-leak', 'f.c', 40, 'B', 'l', { path: [{ range: { start: { line: 33, column: 0 }, end: { line: 33, column: 5 } }, message: 'branch' }] });
  const untouched = finding('lock-leak', 'f.c', 60, 'C', 'l');
  const both = [onAdded, pathThroughAdded, untouched];
  const d = diffFindings(input({ pre: both, post: both, addedLines: new Map([['f.c', new Set([12, 33])]]) }));
  assert.deepEqual(d.introduced, []);
  assert.deepEqual(d.fixed, []);
  assert.deepEqual(ids(d.stillPresent), ['lock-leak|A|l@12']);
});

test('exit ordinals do not decide: a new leaking exit before an old one is the introduced one', () => {
  // The engine numbers leaking exits of one lock per function (#0, #1, ...) in exit order.
  const leak = (line: number, nth: number) => finding('lock-leak', 'v.c', line, 'vport_send', '&vport->lock', { key: `lock-leak:vport_send:&vport->lock#${nth}` });
  const pre = [leak(35, 0)];
  const post = [leak(35, 0), leak(39, 1)]; // new return at 35 (added line), the old one moved to 39
  const d = diffFindings(input({ pre, post, addedLines: new Map([['v.c', new Set([33, 34, 35, 36])]]) }));
  assert.deepEqual(ids(d.introduced), ['lock-leak:vport_send:&vport->lock#0@35']);
  assert.deepEqual(d.stillPresent, []);
  // And the one whose own line the patch wrote outranks one whose path merely crosses the patch.
  const crossing = leak(39, 1);
  crossing.path = [{ range: { start: { line: 33, column: 0 }, end: { line: 33, column: 1 } }, message: 'branch' }];
  const d2 = diffFindings(input({ pre, post: [crossing, leak(35, 0)], addedLines: new Map([['v.c', new Set([33, 34, 35, 36])]]) }));
  assert.deepEqual(ids(d2.introduced), ['lock-leak:vport_send:&vport->lock#0@35']);
});

test('renames: a pre-image finding under the old path matches the post-image one under the new path', () => {
  const d = diffFindings(input({
    pre: [finding('release-unheld', 'dp/flow.c', 90, 'FlowDump', 'table->lock')],
    post: [finding('release-unheld', 'dp/flow_table.c', 90, 'FlowDump', 'table->lock')],
    renamed: new Map([['dp/flow.c', 'dp/flow_table.c']]),
  }));
  assert.deepEqual([d.introduced.length, d.fixed.length], [0, 0]);
  // Without the rename map the same findings would be one fixed and one introduced.
  const wrong = diffFindings(input({
    pre: [finding('release-unheld', 'dp/flow.c', 90, 'FlowDump', 'table->lock')],
    post: [finding('release-unheld', 'dp/flow_table.c', 90, 'FlowDump', 'table->lock')],
  }));
  assert.deepEqual([wrong.introduced.length, wrong.fixed.length], [1, 1]);
});

test('same key in two files is two findings', () => {
  const d = diffFindings(input({
    pre: [finding('lock-leak', 'a.c', 1, 'f', 'l')],
    post: [finding('lock-leak', 'a.c', 1, 'f', 'l'), finding('lock-leak', 'b.c', 1, 'f', 'l')],
  }));
  assert.deepEqual(d.introduced.map((f) => f.uri), ['b.c']);
});

test('touchesLines looks at the primary line, path steps and related locations in the same file only', () => {
  const f = finding('lock-leak', 'a.c', 5, 'f', 'l', {
    related: [{ uri: 'other.c', range: { start: { line: 9, column: 0 }, end: { line: 9, column: 1 } }, message: 'x' },
      { range: { start: { line: 7, column: 0 }, end: { line: 7, column: 1 } }, message: 'y' }],
  });
  assert.equal(touchesLines(f, new Set([5])), true);
  assert.equal(touchesLines(f, new Set([7])), true);
  assert.equal(touchesLines(f, new Set([9])), false);
  assert.equal(touchesLines(f, undefined), false);
});
