import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Parser } from 'web-tree-sitter';
import { castMacrosAsCasts } from '../../../src/core/c/castMacros';
import { parseC } from '../../../src/core/c/parse';
import { stripCasts } from '../../../src/core/analysis/exprs';
import { testParser } from '../../helpers/grammar';

let parser: Parser;
before(async () => {
  parser = await testParser();
});
after(() => parser.delete());

const BODY = `void f(struct e *e, struct cmap *m)
{
    ovs_refcount_ref(CONST_CAST(struct ovs_refcount *, &e->ref_cnt));
    cmap_remove(m, CONST_CAST(struct cmap_node *, &e->node), 0);
    p = ALIGNED_CAST(const struct hdr *, CONST_CAST(void *, q));
    v = ovsrcu_get(struct vport *, &e->vport);
}
`;

test('cast macros become C casts of the same length', () => {
  const text = castMacrosAsCasts(BODY);
  assert.equal(text.length, BODY.length);
  assert.equal(text.split('\n').length, BODY.split('\n').length);
  assert.ok(text.includes('((struct ovs_refcount *) &e->ref_cnt));'));
  assert.ok(text.includes('((struct cmap_node *) &e->node), 0);'));
  assert.ok(text.replace(/ +/g, ' ').includes('p = ((const struct hdr *) ((void *) q));'));
  // Not named for casting: a load of the pointer at its second argument, left alone.
  assert.ok(text.includes('ovsrcu_get(struct vport *, &e->vport)'));
  // A bare typedef parses as a call already; prototypes and definitions are left alone.
  assert.equal(castMacrosAsCasts('x = CONST_CAST(PNODE, p);'), 'x = CONST_CAST(PNODE, p);');
  const def = '#define CONST_CAST(TYPE, POINTER) ((TYPE) (POINTER))\n';
  assert.equal(castMacrosAsCasts(def), def);
});

test('the statement with a cast macro argument parses as a call of the cast value', () => {
  const parsed = parseC(parser, BODY);
  try {
    const calls = parsed.tree.rootNode.descendantsOfType('call_expression').map((c) => c!.childForFieldName('function')?.text);
    assert.deepEqual(calls, ['ovs_refcount_ref', 'cmap_remove', 'ovsrcu_get']);
    assert.equal(parsed.tree.rootNode.descendantsOfType('ERROR').filter((e) => e!.startPosition.row < 5).length, 0);
    const args = parsed.tree.rootNode.descendantsOfType('argument_list').map((a) => a!.namedChildren.map((c) => stripCasts(c!.text)));
    assert.deepEqual(args[0], ['&e->ref_cnt']);
    assert.deepEqual(args[1], ['m', '&e->node', '0']);
  } finally {
    parsed.tree.delete();
  }
});

test('the value of a cast or cast macro, nested', () => {
  assert.equal(stripCasts('CONST_CAST(struct cmap_node *, &d->node)'), '&d->node');
  assert.equal(stripCasts('CONST_CAST(PNODE, p)'), 'p');
  assert.equal(stripCasts('CONST_CAST(struct a *, (struct b *) CONST_CAST(struct c *, q))'), 'q');
  assert.equal(stripCasts('((void *) &x->y)'), '&x->y');
  assert.equal(stripCasts('F(a)(b)'), 'F(a)(b)');
  assert.equal(stripCasts('offsetof(struct foo, bar)'), 'offsetof(struct foo,bar)');
  assert.equal(stripCasts('ovsrcu_get(struct foo *, &x->bar)'), 'ovsrcu_get(struct foo*,&x->bar)');
});
