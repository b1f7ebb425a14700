import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { directCursorActive, setDirectCursorEnabled } from '../../../src/core/c/directCursor';
import { listFunctions } from '../../../src/core/c/functions';
import { parseC } from '../../../src/core/c/parse';
import { toSyntax, type SyntaxNode } from '../../../src/core/c/syntax';
import { generateDatapathCorpus } from '../../../bench/genDatapath';
import { repoRoot, testParser } from '../../helpers/grammar';

/** Everything a copy says about a subtree, as one string (ids differ between copies and are left out). */
function describe(n: SyntaxNode): string {
  const out: string[] = [];
  const stack: [SyntaxNode, number][] = [[n, 0]];
  while (stack.length) {
    const [x, depth] = stack.pop()!;
    out.push(`${depth}:${x.type}:${x.isNamed ? 1 : 0}:${x.field ?? '-'}:${x.startIndex}-${x.endIndex}:${x.children.length}/${x.namedChildren.length}`);
    for (let i = x.children.length - 1; i >= 0; i--) stack.push([x.children[i]!, depth + 1]);
  }
  return out.join('\n');
}

function copies(parser: Parser, text: string, full: boolean): [string, string] {
  const parsed = parseC(parser, text);
  try {
    const roots = full ? [parsed.tree.rootNode] : listFunctions(parsed.tree, parsed.text).map((f) => f.node);
    const walk = (): string => roots.map((r) => describe(toSyntax(r, parsed.text, full))).join('\n--\n');
    setDirectCursorEnabled(true);
    const direct = walk();
    setDirectCursorEnabled(false);
    const viaPublic = walk();
    return [direct, viaPublic];
  } finally {
    setDirectCursorEnabled(true);
    parsed.tree.delete();
  }
}

function fixtureTexts(): { name: string; text: string }[] {
  const dir = path.join(repoRoot, 'test', 'fixtures');
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.[ch]$/.test(f)).sort()
    .map((f) => ({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

test('the direct cursor copies exactly what the public cursor copies (every fixture, functions and whole files)', async () => {
  const parser = await testParser();
  try {
    // Pinned web-tree-sitter: the direct cursor must really be in use, or this test compares a walk with itself.
    assert.ok(directCursorActive(), 'web-tree-sitter binding not registered: the direct cursor is off');
    const files = fixtureTexts();
    assert.ok(files.length > 20, `expected the fixture corpus, found ${files.length} files`);
    for (const f of files) {
      for (const full of [false, true]) {
        const [direct, viaPublic] = copies(parser, f.text, full);
        if (full) assert.ok(direct.includes('translation_unit'), f.name);
        assert.equal(direct, viaPublic, `${f.name} (${full ? 'whole file' : 'functions'})`);
      }
    }
  } finally {
    parser.delete();
  }
});

test('the direct cursor agrees on generated datapath code, ERROR nodes, non-ASCII text and deep nesting', async () => {
  const parser = await testParser();
  try {
    const generated = generateDatapathCorpus({ lines: 3000 }).map((f) => f.text);
    const odd = [
      'int f(void) { spin_lock(&l); if (x) { FOO BAR( baz; } spin_unlock(&l); return 0; }',
      'void g(void) { const char *s = "größe ✓"; /* ünïcode */ mutex_lock(&m); mutex_unlock(&m); }',
      `void h(void) { ${'if (a) { '.repeat(300)}x++;${' }'.repeat(300)} }`,
      'void k(void) { __try { NdisAcquireSpinLock(&l); } __finally { NdisReleaseSpinLock(&l); } }',
    ];
    for (const text of [...generated, ...odd]) {
      const [direct, viaPublic] = copies(parser, text, false);
      assert.equal(direct, viaPublic);
    }
  } finally {
    parser.delete();
  }
});

test('copied nodes have the ranges web-tree-sitter gives, error recovery and non-ASCII text included', async () => {
  const parser = await testParser();
  try {
    const texts = [
      ...fixtureTexts().map((f) => f.text),
      ...generateDatapathCorpus({ lines: 2000 }).map((f) => f.text),
      'void f(void) { int x = ; foo(a b); y = + z; größe = 1; $x = 2; }',
      'int g(void) { return a->b.c[d] + e(f, g) ; } struct s { int q; };',
    ];
    for (const text of texts) {
      const parsed = parseC(parser, text);
      try {
        // The public API's ends, by start and type (nested nodes may share both), for every node.
        const truth = new Map<string, Set<number>>();
        const cursor = parsed.tree.walk();
        for (let more = true; more;) {
          const k = `${cursor.startIndex}:${cursor.nodeType}`;
          truth.set(k, (truth.get(k) ?? new Set()).add(cursor.endIndex));
          if (cursor.gotoFirstChild()) continue;
          while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) { more = false; break; }
        }
        cursor.delete();
        const stack: SyntaxNode[] = [toSyntax(parsed.tree.rootNode, parsed.text, true)];
        while (stack.length) {
          const n = stack.pop()!;
          const ends = truth.get(`${n.startIndex}:${n.type}`);
          assert.ok(ends?.has(n.endIndex), `${n.type} at ${n.startIndex}: \`${n.text}\` ends at ${n.endIndex}, not at ${[...(ends ?? [])].join(' or ')}`);
          stack.push(...n.children);
        }
      } finally {
        parsed.tree.delete();
      }
    }
  } finally {
    parser.delete();
  }
});
