import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HighlightScope, MAX_REMEMBERED_SOURCES } from '../../src/extension/simulator/highlightScope';

const LISTINGS = ['lockstep-protocol:/seed-workflow.c', 'lockstep-protocol:/rcu.c'];

test('the webview may light the protocol listings and nothing else until a C file is simulated', () => {
  const scope = new HighlightScope(LISTINGS);
  assert.equal(scope.allows('lockstep-protocol:/rcu.c'), true);
  for (const uri of ['file:///etc/passwd', 'file:///home/me/.ssh/id_rsa', 'lockstep-protocol:/other.c', 'untitled:Untitled-1', '']) {
    assert.equal(scope.allows(uri), false, uri);
  }
});

test('a C file the panel compiled is allowed, remembered newest last, and the memory is bounded', () => {
  const scope = new HighlightScope(LISTINGS, ['file:///ws/old.c']);
  assert.equal(scope.allows('file:///ws/old.c'), true);
  scope.addSource('file:///ws/flow.c');
  assert.equal(scope.allows('file:///ws/flow.c'), true);
  assert.equal(scope.allows('file:///ws/other.c'), false);
  scope.addSource('file:///ws/old.c'); // again: moves to the end, not listed twice
  assert.deepEqual(scope.rememberedSources, ['file:///ws/flow.c', 'file:///ws/old.c']);
  for (let i = 0; i < MAX_REMEMBERED_SOURCES; i++) scope.addSource(`file:///ws/f${i}.c`);
  assert.equal(scope.rememberedSources.length, MAX_REMEMBERED_SOURCES);
  assert.equal(scope.allows('file:///ws/flow.c'), false, 'the oldest source is forgotten');
  assert.equal(scope.allows(`file:///ws/f${MAX_REMEMBERED_SOURCES - 1}.c`), true);
  // A stored list longer than the cap (an edited workspace state) keeps only its newest entries.
  const big = new HighlightScope([], Array.from({ length: 50 }, (_, i) => `file:///ws/s${i}.c`));
  assert.equal(big.rememberedSources.length, MAX_REMEMBERED_SOURCES);
  assert.equal(big.allows('file:///ws/s0.c'), false);
  assert.equal(big.allows('file:///ws/s49.c'), true);
});
