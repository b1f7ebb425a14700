import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { blankAnnotations } from '../../../src/core/c/annotations';
import { parseC } from '../../../src/core/c/parse';
import { listFunctions } from '../../../src/core/c/functions';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { testParser } from '../../helpers/grammar';

const NDIS = `_Use_decl_annotations_
_IRQL_requires_max_(DISPATCH_LEVEL)
_Requires_lock_not_held_(Dp->Lock)
VOID NTAPI
OvsFlowPut(_In_ POVS_DATAPATH Dp, _Inout_ PLOCK_STATE_EX LockState, _In_opt_ PVOID Ctx)
{
    NdisAcquireRWLockWrite(Dp->Lock, LockState, 0);
    NdisReleaseRWLock(Dp->Lock, LockState);
}
static int __must_check tbl_get(struct tbl *t) __acquires(&t->lock)
{
    spin_lock_bh(&t->lock);
    return 0;
}
`;

test('annotation blanking keeps every offset and remembers lock contracts', () => {
  const { text, lockAnnotations } = blankAnnotations(NDIS);
  assert.equal(text.length, NDIS.length);
  assert.equal(text.split('\n').length, NDIS.split('\n').length);
  assert.ok(!text.includes('_In_'));
  assert.ok(!text.includes('NTAPI'));
  assert.ok(!text.includes('_IRQL_requires_max_'));
  assert.ok(!text.includes('DISPATCH_LEVEL'));
  assert.ok(text.includes('NdisAcquireRWLockWrite(Dp->Lock, LockState, 0);'));
  assert.deepEqual(
    lockAnnotations.map((a) => [a.macro, a.args]),
    [['_Requires_lock_not_held_', 'Dp->Lock'], ['__acquires', '&t->lock']],
  );
  // The offset points at the macro in the original text.
  for (const a of lockAnnotations) assert.equal(NDIS.slice(a.offset, a.offset + a.macro.length), a.macro);
});

test('annotated NDIS definitions parse without errors and list with names, params and ranges', async () => {
  const parser = await testParser();
  try {
    const parsed = parseC(parser, NDIS);
    try {
      assert.equal(parsed.tree.rootNode.hasError, false);
      const fns = listFunctions(parsed.tree, parsed.text);
      assert.deepEqual(fns.map((f) => f.name), ['OvsFlowPut', 'tbl_get']);
      assert.deepEqual(fns[0]!.params, ['Dp', 'LockState', 'Ctx']);
      assert.equal(fns[0]!.range.start.line, 3); // the blanked annotations are not part of the definition
      assert.equal(fns[0]!.nameRange.start.line, 4);
      assert.equal(fns[1]!.range.start.line, 9);
      assert.equal(fns[1]!.body.type, 'compound_statement');
    } finally {
      parsed.tree.delete();
    }
  } finally {
    parser.delete();
  }
});

test('pointer-returning and K&R-free declarators give the function name', async () => {
  const parser = await testParser();
  try {
    const src = 'struct flow *\nflow_lookup(struct tbl *t, const struct key *k)\n{ return 0; }\nstatic void (*pick(int x))(void) { return 0; }\n';
    const parsed = parseC(parser, src);
    try {
      assert.deepEqual(listFunctions(parsed.tree, parsed.text).map((f) => f.name), ['flow_lookup', 'pick']);
    } finally {
      parsed.tree.delete();
    }
  } finally {
    parser.delete();
  }
});

test('memory does not grow over 1,000 parses when trees are deleted', async () => {
  const parser = await testParser();
  const src = NDIS.repeat(40);
  try {
    // Collected first: garbage the JS heap has not yet reclaimed is not a leak (wasm memory is what this is about).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapAt = (): number => {
      gc();
      return process.memoryUsage().rss;
    };
    // Warm up so allocator pools settle before measuring.
    for (let i = 0; i < 100; i++) {
      const p = parseC(parser, src);
      listFunctions(p.tree, p.text);
      p.tree.delete();
    }
    const before = heapAt();
    for (let i = 0; i < 1000; i++) {
      const p = parseC(parser, src);
      listFunctions(p.tree, p.text);
      p.tree.delete();
    }
    const grown = heapAt() - before;
    // One leaked tree of this source is ~0.5 MB; 1,000 of them would be hundreds of MB.
    assert.ok(grown < 32 * 1024 * 1024, `rss grew by ${(grown / 1048576).toFixed(1)} MB`);
  } finally {
    parser.delete();
  }
});
