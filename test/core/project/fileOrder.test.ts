import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import { analyzeFiles } from '../../../src/core/project';
import { filesCalleesFirst, scanShape } from '../../../src/core/project/fileOrder';
import { testParser } from '../../helpers/grammar';

/**
 * The first pass reads files that define what others call before their callers (fileOrder.ts):
 * the text scan that finds definitions and calls, the order it gives, and that the order only
 * saves work (a caller analysed once) without changing what is found.
 */
let parser: Parser;
before(async () => {
  parser = await testParser();
});
after(() => parser.delete());

test('definitions are found in the layouts of the three datapaths, annotations and statics apart', () => {
  const text = [
    '#include "x.h"',
    '#define GRAB(q) ovs_mutex_lock(&(q)->m)',
    'static struct ovs_mutex m = OVS_MUTEX_INITIALIZER;',
    'static const struct ops tbl = { .run = run_it, .wait = wait_it };',
    '/* void commented(void) { } */',
    'const char *s = "void quoted(void) {";',
    'void',
    'ovs_user(struct s *x) OVS_REQUIRES(x->mutex)',
    '{',
    '    helper(x, "}");',
    '    if (x) { other(x); }',
    '}',
    'static void private_helper(int a) { ovs_user(0); }',
    '_IRQL_requires_max_(DISPATCH_LEVEL)',
    'NDIS_STATUS',
    'OvsInitThing(PVOID ctx)',
    '{',
    '    return NdisAllocate(ctx);',
    '}',
    'int __init datapath_init(void) __acquires(lock)',
    '{',
    '    return register_it();',
    '}',
    'void unannotated(void) OVS_NO_THREAD_SAFETY_ANALYSIS',
    '{',
    '}',
    'struct tail { int a; };',
  ].join('\n');
  const s = scanShape(text);
  assert.deepEqual(s.defines, ['ovs_user', 'OvsInitThing', 'datapath_init', 'unannotated']);
  for (const called of ['helper', 'other', 'NdisAllocate', 'register_it', 'ovs_user']) assert.ok(s.calls.has(called), called);
  assert.ok(!s.calls.has('commented') && !s.calls.has('quoted'), 'comments and strings are not code');
  assert.ok(!s.calls.has('ovs_mutex_lock'), 'preprocessor lines are skipped');
});

test('files come after the files defining what they call; a cycle puts first the file its group calls most', () => {
  const files = [
    { name: 'app.c', text: 'void app(void) { mid(); low(); }' },
    { name: 'mid.c', text: 'void mid(void) { low(); util(); }' },
    { name: 'low.c', text: 'void low(void) { util(); }\nvoid low2(void) { util2(); }' },
    { name: 'util.c', text: 'void util(void) { }\nvoid util2(void) { }\nvoid util3(void) { low2(); }' },
    { name: 'alone.c', text: 'void alone(void) { }' },
  ];
  const order = filesCalleesFirst(files, (f) => f.text).map((f) => f.name);
  // low.c and util.c call each other; util.c is called twice by low.c and calls it once: it goes first.
  assert.deepEqual(order, ['util.c', 'low.c', 'mid.c', 'app.c', 'alone.c']);
});

test('callers in earlier files are analysed once, and find what they would in any order', () => {
  const knowledge = builtinKnowledge();
  const caller = { uri: 'a_user.c', text: 'int user(struct s *x)\n{\n\tgrab(x);\n\tif (x->n)\n\t\treturn 1;\n\tspin_unlock(&x->lock);\n\treturn 0;\n}\n' };
  const middle = { uri: 'b_mid.c', text: 'void grab(struct s *x)\n{\n\ttake(x);\n}\n' };
  const callee = { uri: 'c_lib.c', text: 'void take(struct s *x)\n{\n\tspin_lock(&x->lock);\n}\n' };
  const r = analyzeFiles(parser, [caller, middle, callee], { knowledge });
  assert.deepEqual(r.findings.map((f) => `${f.uri}:${f.range.start.line + 1}:${f.ruleId}`), ['a_user.c:5:lock-leak']);
  assert.equal(r.stats.analysed, 3, 'each function analysed once');
  assert.equal(r.stats.rounds, 0);
  assert.equal(r.stats.parsed, 3);
  const reversed = analyzeFiles(parser, [callee, middle, caller], { knowledge });
  assert.deepEqual(reversed.findings, r.findings);
});

test('a type another file frees after a grace period is known before the first pass: its users are analysed once', () => {
  const knowledge = builtinKnowledge();
  const header = { uri: 'foo.h', text: 'struct foo {\n\tstruct ovs_mutex mutex;\n\tint n;\n};\n' };
  const user = { uri: 'a_use.c', text: '#include "foo.h"\nint use(struct foo *f)\n{\n\tint n;\n\tovs_mutex_lock(&f->mutex);\n\tn = f->n;\n\tovs_mutex_unlock(&f->mutex);\n\treturn n;\n}\n' };
  const freer = { uri: 'b_free.c', text: '#include "foo.h"\nvoid foo_destroy(struct foo *f)\n{\n\tovsrcu_postpone(free, f);\n}\n' };
  const r = analyzeFiles(parser, [header, user, freer], { knowledge });
  assert.deepEqual(r.findings, []);
  assert.equal(r.stats.rounds, 0, 'use() saw foo as grace-freed the first time');
  assert.equal(r.stats.parsed, 3);
});
