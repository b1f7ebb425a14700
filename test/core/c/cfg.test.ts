import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Parser } from 'web-tree-sitter';
import { buildCfg, type Cfg } from '../../../src/core/c/cfg';
import { iteratorLoopVariables } from '../../../src/core/c/iteratorMacros';
import { listFunctions } from '../../../src/core/c/functions';
import { parseC } from '../../../src/core/c/parse';
import { toSyntax } from '../../../src/core/c/syntax';
import { testParser } from '../../helpers/grammar';

/**
 * CFG tests enumerate the paths from entry to exit (each node at most twice, so loops show one
 * back edge) as strings of what runs: statements by their text, conditions as `c?T` / `c?F`,
 * returns as `ret`, non-returning calls as `!name`. Every statement kind has a case.
 */
let parser: Parser;
before(async () => {
  parser = await testParser();
});
after(() => parser.delete());

const NORETURN = new Set(['abort', 'BUG', 'KeBugCheckEx', 'OVS_NOT_REACHED']);

function pathsOf(body: string): string[] {
  const parsed = parseC(parser, `void f(int x, int y) {\n${body}\n}\n`);
  try {
    const fn = listFunctions(parsed.tree, parsed.text)[0]!;
    const cfg = buildCfg(toSyntax(fn.body, parsed.text), { isNoReturn: (n) => NORETURN.has(n) });
    return enumerate(cfg).sort();
  } finally {
    parsed.tree.delete();
  }
}

function enumerate(cfg: Cfg): string[] {
  const out: string[] = [];
  const walk = (id: number, acc: string[], visits: Map<number, number>): void => {
    if (out.length > 500) return;
    const n = cfg.nodes[id]!;
    const v = visits.get(id) ?? 0;
    if (v >= 2) return;
    const next = new Map(visits).set(id, v + 1);
    switch (n.kind) {
      case 'exit':
        out.push(acc.join(' ; '));
        return;
      case 'noreturn':
        out.push([...acc, `!${n.ast!.text.replace(/\(.*$/, '')}`].join(' ; '));
        return;
      case 'cond':
        walk(n.succ[0]!, [...acc, `${n.ast!.text}?T`], next);
        walk(n.succ[1]!, [...acc, `${n.ast!.text}?F`], next);
        return;
      case 'stmt':
        if (n.note === 'goto') return walk(n.succ[0]!, acc, next);
        return walk(n.succ[0]!, [...acc, n.ast!.text.replace(/;$/, '')], next);
      case 'return':
        return walk(n.succ[0]!, [...acc, 'ret'], next);
      default:
        for (const s of n.succ) if (s >= 0) walk(s, acc, next);
    }
  };
  walk(cfg.entry, [], new Map());
  return out;
}

test('compound, expression and declaration statements run in order', () => {
  assert.deepEqual(pathsOf('int a = 1; a++; g(a);'), ['int a = 1 ; a++ ; g(a)']);
});

test('if / else and if without else', () => {
  assert.deepEqual(pathsOf('if (x) a(); else b(); c();'), ['x?F ; b() ; c()', 'x?T ; a() ; c()']);
  assert.deepEqual(pathsOf('if (x) a();'), ['x?F', 'x?T ; a()']);
});

test('&&, || and ! in conditions are decomposed in C order', () => {
  assert.deepEqual(pathsOf('if (x && t(y)) a();'), ['t(y)?F', 't(y)?T ; a()', 'x?F'].map((p) => (p === 'x?F' ? p : `x?T ; ${p}`)).sort());
  assert.deepEqual(pathsOf('if (!x || t(y)) a();'), ['x?F ; a()', 'x?T ; t(y)?F', 'x?T ; t(y)?T ; a()']);
});

test('?: in a condition', () => {
  assert.deepEqual(pathsOf('if (x ? p() : q()) a();'), ['x?F ; q()?F', 'x?F ; q()?T ; a()', 'x?T ; p()?F', 'x?T ; p()?T ; a()']);
});

test('switch with cases, fall-through, break and default', () => {
  assert.deepEqual(pathsOf('switch (x) { case 1: a(); case 2: b(); break; default: c(); } d();'), [
    'a() ; b() ; d()', 'b() ; d()', 'c() ; d()',
  ]);
  // No default: the value may match nothing.
  assert.deepEqual(pathsOf('switch (x) { case 1: a(); break; } d();'), ['a() ; d()', 'd()']);
});

test('while with break and continue', () => {
  const p = pathsOf('while (x) { if (y) break; if (z()) continue; a(); } e();');
  assert.ok(p.includes('x?F ; e()'));
  assert.ok(p.includes('x?T ; y?T ; e()'));
  assert.ok(p.includes('x?T ; y?F ; z()?F ; a() ; x?F ; e()'));
  assert.ok(p.some((s) => s.startsWith('x?T ; y?F ; z()?T ; x?')), 'continue goes back to the condition');
});

test('do/while runs the body first; do { } while (0) runs it once', () => {
  assert.deepEqual(pathsOf('do { a(); } while (0); b();'), ['a() ; b()']);
  const p = pathsOf('do { a(); } while (x); b();');
  assert.ok(p.includes('a() ; x?F ; b()'));
  assert.ok(p.includes('a() ; x?T ; a() ; x?F ; b()'));
});

test('for with init, condition, update, continue', () => {
  const p = pathsOf('for (int i = 0; i < x; i++) { if (y) continue; a(); }');
  assert.ok(p.includes('int i = 0 ; i < x?F'));
  assert.ok(p.includes('int i = 0 ; i < x?T ; y?T ; i++ ; i < x?F'), 'continue runs the update');
  assert.deepEqual(pathsOf('for (;;) { if (x) break; }'), ['x?T', 'x?F ; x?T'].sort());
});

test('goto forward and backward, labels', () => {
  assert.deepEqual(pathsOf('if (x) goto out; a(); out: b();'), ['x?F ; a() ; b()', 'x?T ; b()']);
  const back = pathsOf('again: a(); if (x) goto again; b();');
  assert.ok(back.includes('a() ; x?F ; b()'));
  assert.ok(back.includes('a() ; x?T ; a() ; x?F ; b()'));
});

test('return ends the path; code after it is unreachable', () => {
  assert.deepEqual(pathsOf('if (x) return; a(); return; b();'), ['x?F ; a() ; ret', 'x?T ; ret']);
});

test('non-returning calls end the path without reaching the exit', () => {
  assert.deepEqual(pathsOf('if (x) BUG(); a();'), ['x?F ; a()', 'x?T ; !BUG']);
  assert.deepEqual(pathsOf('OVS_NOT_REACHED();'), ['!OVS_NOT_REACHED']);
});

test('__finally runs on fallthrough, return, __leave and goto out of the __try', () => {
  assert.deepEqual(pathsOf('__try { if (x) __leave; a(); } __finally { f(); } b();'), ['x?F ; a() ; f() ; b()', 'x?T ; f() ; b()']);
  assert.deepEqual(pathsOf('__try { if (x) return; a(); } __finally { f(); }'), ['x?F ; a() ; f()', 'x?T ; ret ; f()']);
  assert.deepEqual(pathsOf('__try { if (x) goto out; a(); } __finally { f(); } out: b();'), ['x?F ; a() ; f() ; b()', 'x?T ; f() ; b()']);
});

test('break out of a __try inside a loop runs the __finally', () => {
  const p = pathsOf('while (x) { __try { if (y) break; a(); } __finally { f(); } } e();');
  assert.ok(p.includes('x?T ; y?T ; f() ; e()'));
});

test('nested __finally blocks run innermost first on return', () => {
  assert.deepEqual(pathsOf('__try { __try { return; } __finally { f1(); } } __finally { f2(); }'), ['ret ; f1() ; f2()']);
});

test('__except handler is reachable from the start of the __try', () => {
  assert.deepEqual(pathsOf('__try { a(); } __except (1) { h(); } b();'), ['a() ; b()', 'h() ; b()']);
});

test('comma expressions and conditions with assignments', () => {
  assert.deepEqual(pathsOf('a(), b();'), ['a() ; b()']);
  assert.deepEqual(pathsOf('if ((r = t()) != 0) a();'), ['(r = t()) != 0?F', '(r = t()) != 0?T ; a()']);
});

test('preprocessor conditionals: one configuration, with feature macros undefined', () => {
  assert.deepEqual(pathsOf('#ifdef FOO\n a();\n#else\n b();\n#endif\n c();'), ['b() ; c()']);
  assert.deepEqual(pathsOf('#ifndef FOO\n a();\n#endif\n c();'), ['a() ; c()']);
  assert.deepEqual(pathsOf('#if 0\n a();\n#elif 1\n b();\n#else\n d();\n#endif\n c();'), ['b() ; c()']);
  assert.deepEqual(pathsOf('#if defined(X) || !defined(Y)\n a();\n#endif\n c();'), ['a() ; c()']);
  assert.deepEqual(pathsOf('#if SQLITE_MUTEX_NREF\n a();\n#endif\n c();'), ['c()']);
});

test('iterator macros with a block are loops: the body runs zero or more times, continue and break work', () => {
  // Going round, a plain iterator steps from the current element (a node of its own, then the head).
  const p = pathsOf('list_for_each_entry(pos, head, node) { if (y) continue; a(); } e();');
  const step = 'list_for_each_entry(pos, head, node)';
  assert.ok(p.includes(`${step} ; e()`), 'zero iterations');
  assert.ok(p.includes(`${step} ; y?F ; a() ; ${step} ; ${step} ; e()`));
  assert.ok(p.includes(`${step} ; y?T ; ${step} ; ${step} ; e()`), 'continue goes to the next iteration, through the step');
  const b = pathsOf('HMAP_FOR_EACH (n, node, map) { if (y) break; a(); } e();');
  assert.ok(b.includes('HMAP_FOR_EACH (n, node, map) ; y?T ; e()'), 'break leaves the loop');
  // `_SAFE` forms saved the next element: no step through the current one.
  const safe = pathsOf('list_for_each_entry_safe(pos, n, head, node) { a(); } e();');
  assert.ok(safe.includes('list_for_each_entry_safe(pos, n, head, node) ; a() ; list_for_each_entry_safe(pos, n, head, node) ; e()'));
});

test('an unbraced statement after an iterator macro is its body', () => {
  const p = pathsOf('hlist_for_each_entry_safe(m, n, head, node)\n\tkfree(m);\nx = 1;');
  assert.ok(p.includes('hlist_for_each_entry_safe(m, n, head, node) ; x = 1'), 'zero iterations');
  assert.ok(p.includes('hlist_for_each_entry_safe(m, n, head, node) ; kfree(m) ; hlist_for_each_entry_safe(m, n, head, node) ; x = 1'), p.join('\n'));
});

test('deeply nested blocks do not overflow the stack', () => {
  const depth = 2000;
  const body = `${'{ '.repeat(depth)}a();${' }'.repeat(depth)}`;
  const p = pathsOf(body);
  assert.equal(p.length, 1);
});

test('iterator macro heads say which arguments they assign on every iteration', () => {
  assert.deepEqual(iteratorLoopVariables('HMAP_FOR_EACH', 3), [0]);
  assert.deepEqual(iteratorLoopVariables('HMAP_FOR_EACH_SAFE', 4), [0, 1], 'long OVS form saves the next node');
  assert.deepEqual(iteratorLoopVariables('HMAP_FOR_EACH_SAFE', 3), [0], 'short OVS form: the second argument is the member');
  assert.deepEqual(iteratorLoopVariables('list_for_each_entry_safe', 4), [0, 1]);
  assert.deepEqual(iteratorLoopVariables('LIST_FORALL', 2), [1]);
  assert.deepEqual(iteratorLoopVariables('LIST_FORALL_SAFE', 3), [1, 2]);
  assert.deepEqual(iteratorLoopVariables('hash_for_each_possible', 4), [1]);
  assert.deepEqual(iteratorLoopVariables('xa_for_each', 3), [1, 2]);
});
