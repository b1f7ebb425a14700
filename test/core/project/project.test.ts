import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import { analyzeFiles, parserHost, Project } from '../../../src/core/project';
import type { Finding } from '../../../src/core/findings';
import { settledSummary } from '../../../src/core/project/partialSummary';
import { testParser } from '../../helpers/grammar';

/**
 * The one pipeline: function identity (file + name for `static`), contracts from header
 * prototypes, summaries to a fixed point across files, per-function reuse between runs, and no
 * input that can break it (C functions named like JavaScript's object properties).
 */
let parser: Parser;
before(async () => {
  parser = await testParser();
});
after(() => parser.delete());

const knowledge = builtinKnowledge();
const brief = (fs: Finding[]): string[] => fs.map((f) => `${f.uri}:${f.range.start.line + 1}:${f.ruleId}`);

test('C functions named constructor, toString, valueOf, hasOwnProperty, __proto__ are ordinary functions', () => {
  const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf', 'then'];
  const defs = names.map((n) => `static int ${n}(struct s *x) { return x->v; }`).join('\n');
  const calls = names.map((n) => `\tn += ${n}(x);`).join('\n');
  const text = `struct s { int v; spinlock_t lock; };\n${defs}\nint user(struct s *x)\n{\n\tint n = 0;\n\tspin_lock(&x->lock);\n${calls}\n\tx->dh->constructor();\n\tif (n)\n\t\treturn n;\n\tspin_unlock(&x->lock);\n\treturn 0;\n}\n`;
  const r = analyzeFiles(parser, [{ uri: 'props.c', text }], { knowledge });
  assert.deepEqual(r.findings.map((f) => f.ruleId), ['lock-leak']);
});

test('two static functions with one name in two files are two functions', () => {
  // a.c's helper returns holding the lock (a wrapper); b.c's helper of the same name takes nothing.
  const a = `static void grab(struct s *x) { spin_lock(&x->lock); }\nvoid a_user(struct s *x)\n{\n\tgrab(x);\n\tspin_unlock(&x->lock);\n}\n`;
  const b = `static void grab(struct s *x) { x->n++; }\nvoid b_user(struct s *x)\n{\n\tgrab(x);\n\tspin_unlock(&x->lock); /* nothing taken here */\n}\n`;
  const r = analyzeFiles(parser, [{ uri: 'a.c', text: a }, { uri: 'b.c', text: b }], { knowledge });
  assert.deepEqual(brief(r.findings), []);
  // With one identity for both, b_user would see grab() acquire and a_user might not.
  const swapped = analyzeFiles(parser, [{ uri: 'b.c', text: b }, { uri: 'a.c', text: a }], { knowledge });
  assert.deepEqual(brief(swapped.findings), []);
});

test('a definition after a static prototype is still its own file\'s function (internal linkage)', () => {
  // a.c declares grab() static, then defines it without the keyword: it takes the lock. b.c's
  // external grab() takes nothing. Each user must see its own.
  const a = `static void grab(struct s *x);\nvoid a_user(struct s *x)\n{\n\tgrab(x);\n\tspin_unlock(&x->lock);\n}\nvoid grab(struct s *x)\n{\n\tspin_lock(&x->lock);\n}\n`;
  const b = `void grab(struct s *x)\n{\n\tx->n++;\n}\nvoid b_user(struct s *x)\n{\n\tgrab(x);\n\tspin_lock(&x->lock);\n\tspin_unlock(&x->lock);\n}\n`;
  for (const files of [[{ uri: 'a.c', text: a }, { uri: 'b.c', text: b }], [{ uri: 'b.c', text: b }, { uri: 'a.c', text: a }]]) {
    assert.deepEqual(brief(analyzeFiles(parser, files, { knowledge }).findings), []);
  }
});

test('a contract on a header prototype applies to the definition in the .c file', () => {
  const h = `bool once_start(struct once *o) OVS_TRY_LOCK(true, o->mutex);\n`;
  const c = [
    'bool once_start(struct once *o)',
    '{',
    '\tif (o->done) return false;',
    '\tovs_mutex_lock(&o->mutex);',
    '\tif (o->done) { ovs_mutex_unlock(&o->mutex); return false; }',
    '\treturn true;',
    '}',
    'void use(struct once *o)',
    '{',
    '\tif (once_start(o)) {',
    '\t\tovs_mutex_unlock(&o->mutex);',
    '\t}',
    '}',
    '',
  ].join('\n');
  const r = analyzeFiles(parser, [{ uri: 'once.c', text: c }, { uri: 'once.h', text: h }], { knowledge });
  assert.deepEqual(brief(r.findings), []);
});

test('summaries reach a fixed point across files, callees first whatever the input order', () => {
  const files = [
    { uri: 'top.c', text: 'void top(struct s *x)\n{\n\tspin_lock(&x->lock);\n\tmiddle(x);\n\tspin_unlock(&x->lock);\n}\n' },
    { uri: 'middle.c', text: 'void middle(struct s *x)\n{\n\tbottom(x);\n}\n' },
    { uri: 'bottom.c', text: 'void bottom(struct s *x)\n{\n\tspin_lock(&x->lock);\n\tx->n++;\n\tspin_unlock(&x->lock);\n}\n' },
  ];
  const r = analyzeFiles(parser, files, { knowledge });
  assert.deepEqual(brief(r.findings), ['top.c:4:double-acquire']);
  assert.match(r.findings[0]!.message, /middle → bottom/);
});

test('in a recursive group the shortest chain names a lock taken inside callees, and the summaries settle', () => {
  // a reaches x->lock through b → d → e (b calls a back) and through c → e: the message names the
  // shorter route whichever path was explored first, so the group's summaries stop changing.
  const files = [
    { uri: 'top.c', text: 'void top(struct s *x)\n{\n\tspin_lock(&x->lock);\n\ta(x, 2);\n\tspin_unlock(&x->lock);\n}\n' },
    { uri: 'a.c', text: 'void a(struct s *x, int n)\n{\n\tif (n)\n\t\tb(x, n - 1);\n\telse\n\t\tc(x);\n}\n' },
    { uri: 'b.c', text: 'void b(struct s *x, int n)\n{\n\td(x);\n\ta(x, n);\n}\nvoid d(struct s *x)\n{\n\te(x);\n}\n' },
    { uri: 'c.c', text: 'void c(struct s *x)\n{\n\te(x);\n}\nvoid e(struct s *x)\n{\n\tspin_lock(&x->lock);\n\tx->n++;\n\tspin_unlock(&x->lock);\n}\n' },
  ];
  for (const order of [files, [...files].reverse()]) {
    const r = analyzeFiles(parser, order, { knowledge });
    assert.deepEqual(brief(r.findings), ['top.c:4:double-acquire']);
    assert.match(r.findings[0]!.message, /\(a → c → e\)/);
    assert.ok(r.stats.rounds <= 3, `${r.stats.rounds} extra rounds`);
  }
});

test('a function seen only in part keeps the effects it was last seen to have in full (a recursive group settles)', () => {
  const full = { name: 'f', key: 'f', uri: 'f.c', range: { start: { line: 0, column: 0 }, end: { line: 1, column: 0 } }, effects: [], acquires: [], refs: [{ target: '$1', op: 'store' as const }], defined: true };
  const partial = { ...full, refs: [] };
  const previous = { text: 'T', startLine: 0, signature: '', analysed: true, partial: false, summary: full, findings: [], edges: [], structDeps: [], ms: 0 };
  assert.deepEqual(settledSummary(partial, true, previous, 'T').refs, full.refs);
  // Not for new text, not after another partial analysis, and a full analysis says what it found.
  assert.deepEqual(settledSummary(partial, true, previous, 'T2').refs, []);
  assert.deepEqual(settledSummary(partial, true, { ...previous, partial: true }, 'T').refs, []);
  assert.deepEqual(settledSummary(partial, false, previous, 'T').refs, []);
});

test('a long call cycle is analysed about once per function, not once per lap of its summaries', () => {
  // f0 → f1 → … → f299 → f0, each taking one of five locks on the way: the summaries flow
  // callee to caller, so analysing the cycle callers-first would redo every function per lap.
  const locks = ['spin_lock(&d->a); spin_unlock(&d->a);', 'mutex_lock(&d->b); mutex_unlock(&d->b);', 'spin_lock(&d->c); spin_unlock(&d->c);'];
  const n = 300;
  const text = Array.from({ length: n }, (_, i) => `int f${i}(struct dev *d, int x)\n{\n\t${locks[i % locks.length]}\n\tif (x) return f${(i + 1) % n}(d, x - 1);\n\treturn 0;\n}\n`).join('');
  const r = analyzeFiles(parser, [{ uri: 'cycle.c', text }], { knowledge });
  assert.deepEqual(brief(r.findings), []);
  assert.ok(r.stats.analysed <= n + 20, `analysed ${r.stats.analysed} times for ${n} functions`);
});

test('a keystroke re-analyses only the edited function; the others are reused at their new lines', () => {
  const project = new Project(parserHost(parser), { knowledge });
  const f1 = 'int f1(struct s *x)\n{\n\tspin_lock(&x->lock);\n\tif (x->n) return 1;\n\tspin_unlock(&x->lock);\n\treturn 0;\n}\n';
  const f2 = 'int f2(struct s *x)\n{\n\tspin_lock(&x->lock);\n\tif (x->n) return 1;\n\tspin_unlock(&x->lock);\n\treturn 0;\n}\n';
  project.setFile({ uri: 'k.c', text: f1 + f2 });
  const first = project.run();
  assert.deepEqual(brief(first.findings), ['k.c:4:lock-leak', 'k.c:11:lock-leak']);
  assert.equal(first.stats.analysed, 2);
  // Two lines added inside f1: f2 moves down by two and is not analysed again.
  project.setFile({ uri: 'k.c', text: f1.replace('\tspin_lock(&x->lock);', '\tx->n++;\n\tx->m++;\n\tspin_lock(&x->lock);') + f2 });
  const second = project.run();
  assert.deepEqual(brief(second.findings), ['k.c:6:lock-leak', 'k.c:13:lock-leak']);
  assert.equal(second.stats.analysed, 1);
  assert.equal(second.stats.reused, 1);
  assert.match(second.findings[1]!.message, /taken at line 12/);
});

test('a callee that changes makes its callers in other files stale, and only those', () => {
  const project = new Project(parserHost(parser), { knowledge });
  project.setFile({ uri: 'lib.c', text: 'void helper(struct s *x)\n{\n\tx->n++;\n}\n' });
  project.setFile({ uri: 'user.c', text: 'int user(struct s *x)\n{\n\thelper(x);\n\tif (x->n)\n\t\treturn 1;\n\tspin_unlock(&x->lock);\n\treturn 0;\n}\n' });
  project.setFile({ uri: 'other.c', text: 'void other(struct s *x)\n{\n\tspin_lock(&x->lock);\n\tspin_unlock(&x->lock);\n}\n' });
  assert.deepEqual(brief(project.run().findings), []);
  project.setFile({ uri: 'lib.c', text: 'void helper(struct s *x)\n{\n\tspin_lock(&x->lock);\n}\n' });
  const r = project.run();
  // helper is now a lock wrapper: user() leaks what helper() took on one path.
  assert.deepEqual(brief(r.findings), ['user.c:5:lock-leak']);
  assert.equal(r.stats.parsed, 2, 'lib.c and user.c are read again; other.c is not');
});

test('a file that cannot be analysed is said and the run goes on', () => {
  const broken = { parse: () => { throw new Error('grammar refused the file'); } };
  const host = parserHost(parser);
  const project = new Project({ parse: (f) => (f.uri === 'bad.c' ? broken.parse() : host.parse(f)) }, { knowledge });
  project.setFile({ uri: 'bad.c', text: 'int x;\n' });
  project.setFile({ uri: 'good.c', text: 'int g(struct s *x)\n{\n\tspin_lock(&x->lock);\n\tif (x->n)\n\t\treturn 1;\n\tspin_unlock(&x->lock);\n\treturn 0;\n}\n' });
  const r = project.run();
  assert.deepEqual(brief(r.findings), ['bad.c:1:analysis-incomplete', 'good.c:5:lock-leak']);
  assert.match(r.findings[0]!.message, /grammar refused the file/);
});

test('a summary round parses only the functions it runs, each in its place, with the same findings', () => {
  // Each file calls the other's lock wrapper, so whichever is read first has a stale caller after
  // the first pass. The round parses that caller and its in-file caller, not the idle function.
  const file = (me: string, other: string): string => [
    `void ${me}_idle(struct s *x)`, '{', '\tx->n++;', '}',
    `void ${me}_wrap(struct s *x)`, '{', '\tspin_lock(&x->lock);', '}',
    `int ${me}_user(struct s *x)`, '{', `\t${other}_wrap(x);`, '\tif (x->n)', '\t\treturn 1;', '\tspin_unlock(&x->lock);', '\treturn 0;', '}',
    `int ${me}_outer(struct s *x)`, '{', `\treturn ${me}_user(x);`, '}', '',
  ].join('\n');
  const a = file('a', 'b');
  const b = file('b', 'a');
  const host = parserHost(parser);
  const seen: { uri: string; spans: number }[] = [];
  const project = new Project({ parse: (f, ranges) => { seen.push({ uri: f.uri, spans: ranges?.length ?? 0 }); return host.parse(f, ranges); } }, { knowledge });
  project.setFile({ uri: 'a.c', text: a });
  project.setFile({ uri: 'b.c', text: b });
  const r = project.run();
  assert.deepEqual(brief(r.findings), ['a.c:13:lock-leak', 'b.c:13:lock-leak']);
  const partial = seen.filter((s) => s.spans > 0);
  assert.ok(partial.length > 0 && partial.every((s) => s.spans === 2), JSON.stringify(seen));
  // The same messages as a project that knew both wrappers from the start (each file read whole again).
  const again = new Project(parserHost(parser), { knowledge });
  again.setFile({ uri: 'a.c', text: a });
  again.setFile({ uri: 'b.c', text: b });
  again.run();
  again.configure({ knowledge });
  assert.deepEqual(again.run().findings.map((f) => f.message), r.findings.map((f) => f.message));
});
