import type { SourceFile } from '../../../src/core/analysis/types';
import type { Finding } from '../../../src/core/findings';
import { finding } from './findings';

/**
 * A deliberately simple stand-in for the engine, so the review pipeline (apply, analyse both
 * sides, match, map to patch lines) is tested on real patches without depending on the engine:
 * inside a function, a `return` reached in text order after an acquire call and before the next
 * release of the same lock is a `lock-leak`. Enough for the fixtures, which are written for it.
 */
const ACQUIRE = /\b(NdisAcquireRWLock(?:Read|Write)|spin_lock_bh|spin_lock)\(\s*([^,)]+)/;
const RELEASE = /\b(NdisReleaseRWLock|spin_unlock_bh|spin_unlock)\(\s*([^,)]+)/;

export function textualLeakAnalyzer(files: SourceFile[]): Finding[] {
  const out: Finding[] = [];
  for (const file of files) {
    const lines = file.text.split(/\r?\n/);
    let fn = '';
    let depth = 0;
    const held = new Map<string, number>();
    lines.forEach((text, line) => {
      // A function header starts at column 0; its name is the last word before the `(`.
      const paren = text.indexOf('(');
      const h = depth === 0 && /^[A-Za-z_]/.test(text) && paren > 0 ? /(\w+)\s*$/.exec(text.slice(0, paren)) : null;
      if (h && !text.trimEnd().endsWith(';')) fn = h[1]!;
      const a = ACQUIRE.exec(text);
      if (a && depth > 0) held.set(a[2]!.trim(), line);
      const r = RELEASE.exec(text);
      if (r) held.delete(r[2]!.trim());
      if (/\breturn\b/.test(text) && depth > 0) {
        for (const [lock, at] of held) {
          out.push(finding('lock-leak', file.uri, line, fn, lock, {
            related: [{ range: { start: { line: at, column: 4 }, end: { line: at, column: 10 } }, message: 'acquired here' }],
          }));
        }
      }
      for (const ch of text) {
        if (ch === '{') depth++;
        else if (ch === '}' && --depth === 0) held.clear();
      }
    });
  }
  return out;
}
