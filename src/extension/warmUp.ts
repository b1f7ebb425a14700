import type { AnalysisClient } from './analysisClient';

/**
 * A fresh worker's first check pays for compiling the engine (V8 tiers it up as it runs): hundreds of
 * milliseconds for a ten-line file, which the user would otherwise wait for on the first file they
 * open and the first keys they type. Right after the worker starts, this checks a small document that
 * exercises the lock, reference and fix paths, edits it once (the incremental path) and forgets it,
 * through the same messages the editor uses. Its findings go nowhere.
 */
export const WARM_UP_URI = 'lockstep-warmup:/warm-up.c';

const TEXT = [
  'struct dev { int refcnt; spinlock_t lock; };',
  'int warm(struct dev *d, spinlock_t *l, int x)',
  '{',
  '\tspin_lock_irqsave(l, flags);',
  '\tdev_hold(d);',
  '\tif (x)',
  '\t\treturn -1;',
  '\tdev_put(d);',
  '\tspin_unlock_irqrestore(l, flags);',
  '\treturn 0;',
  '}',
  '',
].join('\n');

export async function warmUp(client: AnalysisClient): Promise<void> {
  client.post({ type: 'open', uri: WARM_UP_URI, version: 1, text: TEXT });
  await client.request({ type: 'check', uri: WARM_UP_URI, version: 1 });
  const at = TEXT.indexOf('-1');
  const edited = `${TEXT.slice(0, at)}-2${TEXT.slice(at + 2)}`;
  client.post({ type: 'change', uri: WARM_UP_URI, version: 2, changes: [{ offset: at, length: 2, text: '-2' }], length: edited.length });
  await client.request({ type: 'check', uri: WARM_UP_URI, version: 2 });
  client.post({ type: 'close', uri: WARM_UP_URI });
  // Its function summary must not stay in the table the user's files are checked against.
  await client.request({ type: 'forget', uri: WARM_UP_URI });
}
