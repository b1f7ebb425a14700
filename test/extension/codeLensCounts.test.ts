import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinKnowledge } from '../../src/core/apis/builtin';
import { analyzeFiles } from '../../src/core/project';
import { testParser } from '../helpers/grammar';

/** The counts the CodeLens shows ("1 lock · 1 ref") per function. */
async function lenses(text: string): Promise<Record<string, { locks: number; refs: number }>> {
  const r = analyzeFiles(await testParser(), [{ uri: 'file:///lens.c', text }], { knowledge: builtinKnowledge() });
  return Object.fromEntries(r.files[0]!.functions.map((f) => [f.name, { locks: f.locks, refs: f.refs }]));
}

test('the CodeLens counts locks and reference-counted objects; memory that is only allocated and freed is not a ref', async () => {
  const text = [
    'NDIS_STATUS OvsAllocFlow(POVS_SWITCH_CONTEXT ctx, POVS_FLOW *out)',
    '{',
    '\tPOVS_FLOW flow = NdisAllocateMemoryWithTagPriority(ctx->NdisFilterHandle, sizeof(*flow), OVS_FLOW_POOL_TAG, LowPoolPriority);',
    '\tif (flow == NULL)',
    '\t\treturn NDIS_STATUS_RESOURCES;',
    '\tNdisAcquireSpinLock(&ctx->lock);',
    '\tctx->nFlows++;',
    '\tNdisReleaseSpinLock(&ctx->lock);',
    '\t*out = flow;',
    '\treturn NDIS_STATUS_SUCCESS;',
    '}',
    'void scratch(size_t n)',
    '{',
    '\tchar *buf = kmalloc(n, GFP_KERNEL);',
    '\tif (buf)',
    '\t\tkfree(buf);',
    '}',
    'int hold(struct net_device *dev, spinlock_t *l)',
    '{',
    '\tspin_lock(l);',
    '\tdev_hold(dev);',
    '\tspin_unlock(l);',
    '\tdev_put(dev);',
    '\treturn 0;',
    '}',
    '',
  ].join('\n');
  // `scratch` only allocates and frees: no lens at all.
  assert.deepEqual(await lenses(text), { OvsAllocFlow: { locks: 1, refs: 0 }, hold: { locks: 1, refs: 1 } });
});
