import type { TextEdit } from '../findings';
import { offsetAt } from './syntax';

/**
 * Applies non-overlapping edits (positions relative to the original text), as an editor would.
 * Used by tests and by the CLI to show a fix's result; throws on overlapping edits.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const resolved = edits
    .map((e, i) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText, i }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  let out = '';
  let at = 0;
  for (const e of resolved) {
    if (e.start < at) throw new Error('overlapping edits');
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}
