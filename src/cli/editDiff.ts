/**
 * A unified diff of one file before and after a set of edits (`--fix-dry-run`). The edits say
 * where the changes are, so hunks are built around them: no whole-file diff, linear in the file.
 */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

const CONTEXT = 3;

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOfOffset(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Applies non-overlapping edits sorted by offset. */
export function applyOffsetEdits(text: string, edits: readonly OffsetEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

function splitLines(s: string): string[] {
  const lines = s.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Longest-common-subsequence diff of two small line lists. */
function diffLines(a: readonly string[], b: readonly string[]): string[] {
  const n = a.length;
  const m = b.length;
  if (n * m > 1_000_000) return [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)];
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(` ${a[i++]}`);
      j++;
    } else if (i < n && (j === m || dp[i + 1]![j]! >= dp[i]![j + 1]!)) out.push(`-${a[i++]}`);
    else out.push(`+${b[j++]}`);
  }
  return out;
}

/** `--- a/file` / `+++ b/file` and one hunk per group of nearby edits; empty when there are no edits. */
export function unifiedDiff(file: string, text: string, edits: readonly OffsetEdit[]): string {
  if (edits.length === 0) return '';
  const starts = lineStarts(text);
  const total = text.endsWith('\n') ? starts.length - 1 : starts.length;
  // Old line span of each edit, widened by the context, merged when they touch.
  const spans: { a: number; b: number; edits: OffsetEdit[] }[] = [];
  for (const e of edits) {
    const a = Math.max(0, lineOfOffset(starts, e.start) - CONTEXT);
    const b = Math.min(total - 1, lineOfOffset(starts, Math.max(e.start, e.end - 1)) + CONTEXT);
    const last = spans.at(-1);
    if (last && a <= last.b + 1) {
      last.b = Math.max(last.b, b);
      last.edits.push(e);
    } else spans.push({ a, b: Math.max(a, b), edits: [e] });
  }
  const out = [`--- a/${file}`, `+++ b/${file}`];
  let shift = 0;
  for (const s of spans) {
    const from = starts[s.a]!;
    const to = s.b + 1 < starts.length ? starts[s.b + 1]! : text.length;
    const oldSlice = text.slice(from, to);
    const newSlice = applyOffsetEdits(oldSlice, s.edits.map((e) => ({ start: e.start - from, end: e.end - from, newText: e.newText })));
    const oldLines = splitLines(oldSlice);
    const newLines = splitLines(newSlice);
    const body = diffLines(oldLines, newLines);
    out.push(`@@ -${s.a + 1},${oldLines.length} +${s.a + 1 + shift},${newLines.length} @@`, ...body);
    shift += newLines.length - oldLines.length;
  }
  return `${out.join('\n')}\n`;
}
