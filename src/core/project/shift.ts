import type { FunctionInfo, FunctionSummary, LockOrderEdge } from '../analysis/types';
import type { Finding } from '../findings';
import type { SourceRange } from '../source';

/**
 * Moving a function's results with the function: an edit above it shifts its lines, and its
 * findings, summary and lock-order edges are reused at the new lines rather than computed again.
 */

export function shiftRange(r: SourceRange, d: number): SourceRange {
  return d === 0 ? r : { start: { line: r.start.line + d, column: r.start.column }, end: { line: r.end.line + d, column: r.end.column } };
}

export function shiftFinding(f: Finding, d: number): Finding {
  if (d === 0) return f;
  return {
    ...f,
    range: shiftRange(f.range, d),
    related: f.related.map((r) => (r.uri && r.uri !== f.uri ? r : { ...r, range: shiftRange(r.range, d) })),
    path: f.path.map((p) => (p.uri && p.uri !== f.uri ? p : { ...p, range: shiftRange(p.range, d) })),
    fixes: f.fixes?.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, range: shiftRange(e.range, d) })) })),
    occurrences: f.occurrences?.map((r) => shiftRange(r, d)),
    // Messages name lines for humans ("taken at line 12"): renumber them with the function.
    message: f.message.replace(/\bline (\d+)\b/g, (_m, n: string) => `line ${Number(n) + d}`),
  };
}

export function shiftEdge(x: LockOrderEdge, d: number): LockOrderEdge {
  return d === 0 ? x : { ...x, firstRange: shiftRange(x.firstRange, d), secondRange: shiftRange(x.secondRange, d) };
}

export function shiftSummary(s: FunctionSummary, d: number): FunctionSummary {
  return d === 0 ? s : { ...s, range: shiftRange(s.range, d) };
}

export function shiftInfo(i: FunctionInfo, d: number): FunctionInfo {
  return d === 0 ? i : { ...i, range: shiftRange(i.range, d) };
}
