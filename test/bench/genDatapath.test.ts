import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countLines, generateDatapathCorpus, prng } from '../../bench/genDatapath';
import { median } from '../../bench/timing';
import { parseC } from '../../src/core/c/parse';
import type { Node } from 'web-tree-sitter';
import { testParser } from '../helpers/grammar';

describe('benchmark corpus generator', () => {
  const corpus = generateDatapathCorpus({ lines: 50_000 });

  test('is deterministic for a seed and differs between seeds', () => {
    const again = generateDatapathCorpus({ lines: 50_000 });
    assert.deepEqual(again, corpus);
    const other = generateDatapathCorpus({ lines: 50_000, seed: 7 });
    assert.notEqual(other[0]!.text, corpus[0]!.text);
    const r1 = prng(1);
    const r2 = prng(1);
    assert.deepEqual([r1(), r1(), r1()], [r2(), r2(), r2()]);
  });

  test('has at least the requested lines, in files of about linesPerFile', () => {
    const lines = countLines(corpus);
    assert.ok(lines >= 50_000 && lines < 52_000, `${lines} lines`);
    for (const f of corpus.slice(0, -1)) assert.ok(countLines([f]) <= 2100, f.uri);
    assert.equal(countLines(generateDatapathCorpus({ lines: 3000, linesPerFile: 1000 })) >= 3000, true);
  });

  test('mixes NDIS, Linux and OVS userspace locking with gotos and error paths', () => {
    const all = corpus.map((f) => f.text).join('\n');
    for (const needle of ['NdisAcquireRWLockWrite(', 'NdisDprAcquireSpinLock(', 'spin_lock_irqsave(', 'mutex_lock_interruptible(',
      'rcu_read_lock();', 'ovs_mutex_lock(', 'ovs_rwlock_rdlock(', 'goto unlock;', 'goto err_free;', 'netdev_close(', 'continue;', 'switch (']) {
      assert.ok(all.includes(needle), needle);
    }
  });

  test('parses without syntax errors, except the `;` tree-sitter misses after OVS FOR_EACH macro loops', async () => {
    const parser = await testParser();
    const missingOn = (n: Node, lines: string[], out: string[]): void => {
      if (n.isMissing) out.push(lines[n.startPosition.row]!.trim());
      for (const c of n.children) if (c) missingOn(c, lines, out);
    };
    try {
      for (const f of corpus) {
        const { tree } = parseC(parser, f.text);
        try {
          assert.deepEqual(tree.rootNode.descendantsOfType('ERROR'), [], f.uri);
          const missing: string[] = [];
          missingOn(tree.rootNode, f.text.split('\n'), missing);
          assert.deepEqual(missing.filter((l) => !/^[A-Z_]+_FOR_EACH\w* \(/.test(l)), [], f.uri);
        } finally {
          tree.delete();
        }
      }
    } finally {
      parser.delete();
    }
  });

  test('median', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });
});
