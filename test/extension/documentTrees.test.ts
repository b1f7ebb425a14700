import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentTrees } from '../../src/extension/documentTrees';
import { parseC } from '../../src/core/c/parse';
import { testParser } from '../helpers/grammar';

const base = [
  'static int f(spinlock_t *l, int x)',
  '{',
  '  spin_lock(l);',
  '  if (x) return -1; /* naïve */',
  '  spin_unlock(l);',
  '  return 0;',
  '}',
  '',
].join('\n');

// A small deterministic generator, so a failure names a reproducible seed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const snippets = ['x', ';', '{', '}', '(', ')', 'spin_unlock(l);\n', '\n', 'é', '_In_ ', 'return 1;', '  ', '/*', '*/', '\u{1F600}'];

test('incremental reparses give the same tree as a full parse after random edits', async () => {
  const parser = await testParser();
  const trees = new DocumentTrees(parser);
  try {
    const random = rng(42);
    let text = base;
    for (let i = 0; i < 300; i++) {
      const at = Math.floor(random() * (text.length + 1));
      const del = random() < 0.4 ? Math.floor(random() * 6) : 0;
      const ins = random() < 0.8 ? snippets[Math.floor(random() * snippets.length)]! : '';
      text = text.slice(0, at) + ins + text.slice(Math.min(text.length, at + del));
      // Through the engine's own entry point, so annotation blanking is part of the check.
      const viaProxy = parseC(trees.parserFor('file:///a.c'), text);
      const full = parseC(parser, text);
      assert.equal(viaProxy.tree.rootNode.toString(), full.tree.rootNode.toString(), `edit ${i}`);
      viaProxy.tree.delete();
      full.tree.delete();
    }
    assert.equal(trees.counters.full, 1);
    assert.equal(trees.counters.incremental, 299);
  } finally {
    trees.dispose();
    parser.delete();
  }
});

test('trees are kept per document and deleted on forget', async () => {
  const parser = await testParser();
  const trees = new DocumentTrees(parser);
  try {
    trees.parse('a', 'int a;')?.delete();
    trees.parse('b', 'int b;')?.delete();
    assert.equal(trees.size, 2);
    trees.forget('a');
    assert.equal(trees.has('a'), false);
    assert.equal(trees.size, 1);
    // A forgotten document parses from scratch again.
    trees.parse('a', 'int a2;')?.delete();
    assert.equal(trees.counters.full, 3);
  } finally {
    trees.dispose();
    parser.delete();
  }
});

test('the proxy forwards every other parser member', async () => {
  const parser = await testParser();
  const trees = new DocumentTrees(parser);
  try {
    const p = trees.parserFor('x');
    assert.equal(p.language, parser.language);
  } finally {
    trees.dispose();
    parser.delete();
  }
});
