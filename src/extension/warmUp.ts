import { AnalysisSession } from './analysisSession';
import type { Parser } from 'web-tree-sitter';

/**
 * A fresh worker's first check pays for compiling the engine (V8 and the grammar's wasm tier up as they
 * run): hundreds of milliseconds even for a ten-line file, which the user would otherwise wait for on
 * the first file they open. The worker itself runs this right after the grammar loads, before it has
 * been asked anything: a small document that exercises the lock, reference and fix paths, checked, edited
 * once (the incremental path) and checked again, in a throwaway session so nothing of it reaches the
 * project the user's files are checked against. No round trip through the extension host (which is busy
 * starting up at that moment); it stops as soon as a check is waiting, which then warms the engine itself.
 */
const URI = 'lockstep-warmup:/warm-up.c';

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

/**
 * Runs the warm-up on `parser` in steps (the grammar, the engine, the incremental path), asking `stop`
 * before each: a check the host sent meanwhile waits for one step at most. Returns the milliseconds it
 * took and whether it ran to the end.
 */
export function warmUp(parser: Parser, stop: () => boolean): { ms: number; complete: boolean } {
  const t0 = performance.now();
  const done = (complete: boolean): { ms: number; complete: boolean } => ({ ms: performance.now() - t0, complete });
  if (stop()) return done(false);
  parser.parse(TEXT)?.delete();
  if (stop()) return done(false);
  const session = new AnalysisSession(parser);
  try {
    session.open(URI, 1, TEXT);
    session.check(URI);
    if (stop()) return done(false);
    const at = TEXT.indexOf('-1');
    const edited = `${TEXT.slice(0, at)}-2${TEXT.slice(at + 2)}`;
    session.change(URI, 2, [{ offset: at, length: 2, text: '-2' }], edited.length);
    session.check(URI);
  } finally {
    session.dispose();
  }
  return done(true);
}
