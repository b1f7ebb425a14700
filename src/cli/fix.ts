import type { Parser } from 'web-tree-sitter';
import type { ApiKnowledge } from '../core/apis/types';
import { parseC } from '../core/c/parse';
import type { Finding, Fix } from '../core/findings';
import { withLeakFixes } from '../core/fixes/leakFixes';
import { offsetAt } from '../core/fixes/syntax';
import { encodeLike, restoreLoneCrs, type DecodedSource } from '../core/input';
import { applyOffsetEdits, unifiedDiff, type OffsetEdit } from './editDiff';

/**
 * `--fix`: the mechanical fixes the editor offers as quick fixes (insert the matching release or
 * put before the leaking exit, or retarget the goto to the cleanup label that releases), applied
 * to the files. One preferred fix per finding; a fix that overlaps one already taken waits for the
 * next run. Suppressions are never applied (they need a reason a person writes).
 */
export interface FileFix {
  file: string;
  /** Findings whose fix was applied. */
  fixed: number;
  edits: OffsetEdit[];
  /** The new file content, in the file's own encoding and line endings. */
  bytes: Buffer;
  /** The new text as analysed (decoded). */
  text: string;
  diff: string;
}

function chosen(f: Finding): Fix | undefined {
  const fixes = (f.fixes ?? []).filter((x) => !/^Suppress\b/.test(x.title));
  return fixes.find((x) => x.isPreferred !== false) ?? fixes[0];
}

/** The file's line break, for the text a fix inserts (which is written with `\n`). */
function lineBreakOf(text: string, decoded: DecodedSource): string {
  if (decoded.loneCrs.length > 0) return '\r';
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const lf = (text.match(/\n/g)?.length ?? 0) - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

export function planFixes(parser: Parser, file: string, text: string, decoded: DecodedSource, findings: readonly Finding[], knowledge: ApiKnowledge): FileFix | undefined {
  const candidates = findings.filter((f) => f.fixes?.length || f.ruleId === 'lock-leak' || f.ruleId === 'ref-leak');
  if (candidates.length === 0) return undefined;
  const parsed = parseC(parser, text);
  let withFixes: Finding[];
  try {
    withFixes = withLeakFixes([...candidates], parsed.tree, text, knowledge);
  } finally {
    parsed.tree.delete();
  }
  const eol = lineBreakOf(text, decoded);
  const taken: OffsetEdit[] = [];
  let fixed = 0;
  for (const f of withFixes) {
    const fix = chosen(f);
    if (!fix) continue;
    const edits = fix.edits.map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText.replace(/\n/g, eol) }));
    const overlaps = edits.some((e) => taken.some((t) => e.start < t.end && t.start < e.end || (e.start === t.start && e.end === t.end && e.start !== e.end)));
    if (overlaps) continue;
    taken.push(...edits);
    fixed++;
  }
  if (fixed === 0) return undefined;
  taken.sort((a, b) => a.start - b.start || a.end - b.end);
  const raw = restoreLoneCrs(text, decoded.loneCrs);
  const newRaw = applyOffsetEdits(raw, taken);
  const newText = newRaw.replace(/\r(?!\n)/g, '\n');
  return { file, fixed, edits: taken, bytes: encodeLike(newRaw, decoded), text: newText, diff: unifiedDiff(file, raw, taken) };
}
