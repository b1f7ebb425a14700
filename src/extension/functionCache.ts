import type { Parser } from 'web-tree-sitter';
import { checkPrepared, disposePrepared, prepareFile, summarizePrepared, type PreparedFile } from '../core/analysis/engine';
import { clearTextMemos } from '../core/analysis/exprs';
import type { AnalysisOptions, FileCheckResult, FunctionSummary, LockOrderEdge, SourceFile, SummaryTable } from '../core/analysis/project';
import type { Node } from 'web-tree-sitter';
import { declaratorName } from '../core/c/functions';
import type { ParsedC } from '../core/c/parse';
import type { Finding } from '../core/findings';
import { rangeOf, type SourceRange } from '../core/source';

/**
 * Per-function reuse of analysis results between keystrokes. A keystroke changes one function;
 * the others keep their text, so their findings, summaries and lock-order edges are reused (moved
 * by the lines the edit added or removed) and only the changed functions are analysed: the engine
 * sees the file with every unchanged function body blanked to spaces (same lines and columns), so
 * its declarations, prototypes, annotations and types are all still there.
 *
 * Whole-file analysis is used instead when reuse could be wrong: the first check, any change
 * outside function bodies (a macro, a type, a prototype), and any change to a summary of a changed
 * function (its callers' findings depend on it).
 */
interface FunctionEntry {
  name: string;
  startLine: number;
  summary: FunctionSummary | undefined;
  findings: Finding[];
  edges: LockOrderEdge[];
  info: FileCheckResult['functions'][number] | undefined;
}

export interface CachedCheck extends FileCheckResult {
  summaries: FunctionSummary[];
  /** Functions analysed this time (the edited ones and local wrappers; the rest were reused). */
  analysed: number;
  reused: number;
}

interface Span {
  key: string;
  name: string;
  start: number;
  end: number;
  range: SourceRange;
}

export class FunctionCache {
  private entries = new Map<string, FunctionEntry>();
  private outside: string | undefined;

  /** Forget everything (knowledge changed, or the document was closed). */
  clear(): void {
    this.entries.clear();
    this.outside = undefined;
  }

  /**
   * Analyses the document reusing what it can. `parsed` is its current tree (for the function
   * list); `wholeParser` parses the whole document (the kept-tree parser), `viewParser` the partial
   * view. `external` holds other files' summaries.
   */
  check(parsers: { whole: Parser; view: Parser }, parsed: ParsedC, file: SourceFile, external: SummaryTable, options: AnalysisOptions): CachedCheck {
    const t0 = performance.now();
    const spans = functionSpans(parsed, file.text);
    const outside = outsideText(file.text, spans);
    const reuse = this.outside === outside;
    // Local wrappers (functions with lock effects or that never return) shape the inferred summaries
    // of their callers: they are analysed with every change, so inference sees what the whole file would.
    const shaping = (s: Span): boolean => {
      const sum = this.entries.get(s.key)?.summary;
      return sum !== undefined && (sum.effects.length > 0 || sum.noReturn === true);
    };
    const changed = reuse ? spans.filter((s) => !this.entries.has(s.key) || shaping(s)) : spans;
    let result = this.analyse(parsers, parsed, file, spans, changed, external, options, reuse);
    if (result === undefined) result = this.analyse(parsers, parsed, file, spans, spans, external, options, false)!;
    this.outside = outside;
    result.stats.analysisMs = performance.now() - t0;
    return result;
  }

  private summariesMoved(spans: Span[], changed: Span[], byName: Map<string, FunctionSummary>): boolean {
    const old = new Map<string, string>();
    for (const e of this.entries.values()) old.set(e.name, summaryKey(e.summary));
    for (const s of changed) {
      if ((old.get(s.name) ?? 'none') !== summaryKey(byName.get(s.name))) return true;
    }
    const now = new Set(spans.map((s) => s.name));
    for (const [name, key] of old) if (!now.has(name) && key !== 'none') return true;
    return false;
  }

  private analyse(
    parsers: { whole: Parser; view: Parser }, parsed: ParsedC, file: SourceFile, spans: Span[], changed: Span[],
    external: SummaryTable, options: AnalysisOptions, partial: boolean,
  ): CachedCheck | undefined {
    const changedKeys = new Set(changed.map((s) => s.key));
    const whole = !partial || changed.length === spans.length;
    let view: PreparedFile;
    if (whole) {
      view = prepareFile(parsers.whole, file);
    } else {
      const text = partialView(file.text, spans, changedKeys);
      if (text === undefined) return undefined;
      view = prepareFile(parsers.view, { uri: file.uri, text });
    }
    const parseMs = view.parseMs;
    try {
      const own = summarizePrepared(view, options);
      const byName = new Map(own.map((s) => [s.name, s]));
      if (!whole && this.summariesMoved(spans, changed, byName)) return undefined;
      const table: SummaryTable = { ...external };
      const reused = spans.filter((s) => !changedKeys.has(s.key));
      const summaries: FunctionSummary[] = [];
      for (const s of reused) {
        const e = this.entries.get(s.key)!;
        const moved = shiftSummary(e.summary, s.range.start.line - e.startLine);
        if (moved) summaries.push(moved);
      }
      summaries.push(...own);
      for (const s of summaries) table[s.name] = s;
      const checked = checkPrepared(view, table, options);

      const next = new Map<string, FunctionEntry>();
      const findings: Finding[] = [];
      const edges: LockOrderEdge[] = [];
      const functions: FileCheckResult['functions'] = [];
      for (const s of reused) {
        const e = this.entries.get(s.key)!;
        const d = s.range.start.line - e.startLine;
        const moved: FunctionEntry = {
          name: e.name, startLine: s.range.start.line, summary: shiftSummary(e.summary, d),
          findings: e.findings.map((f) => shiftFinding(f, d)), edges: e.edges.map((x) => shiftEdge(x, d)),
          info: e.info && { ...e.info, range: shiftRange(e.info.range, d) },
        };
        next.set(s.key, moved);
      }
      const inSpan = (line: number): Span | undefined => changed.find((s) => s.range.start.line <= line && line <= s.range.end.line);
      for (const s of changed) {
        next.set(s.key, { name: s.name, startLine: s.range.start.line, summary: byName.get(s.name), findings: [], edges: [], info: undefined });
      }
      const outsideFindings: Finding[] = [];
      for (const f of checked.findings) {
        const s = inSpan(f.range.start.line);
        if (s) next.get(s.key)!.findings.push(f);
        else outsideFindings.push(f);
      }
      for (const x of checked.lockOrderEdges) {
        const s = inSpan(x.firstRange.start.line);
        if (s) next.get(s.key)!.edges.push(x);
      }
      for (const info of checked.functions) {
        const s = inSpan(info.range.start.line);
        if (s) next.get(s.key)!.info = info;
      }
      // Findings outside any function come from the text outside functions, present in every view.
      findings.push(...outsideFindings);
      for (const s of spans) {
        const e = next.get(s.key)!;
        findings.push(...e.findings);
        edges.push(...e.edges);
        if (e.info) functions.push(e.info);
      }
      this.entries = next;
      return {
        uri: file.uri, findings, lockOrderEdges: edges, functions,
        stats: { lines: parsed.text.split('\n').length, functions: spans.length, parseMs, analysisMs: 0 },
        summaries: dedupeByName(summaries),
        analysed: changed.length, reused: reused.length,
      };
    } finally {
      disposePrepared(view);
      // Memo keys are slices of this document's text: they would keep every old version alive.
      clearTextMemos();
    }
  }
}

/** Did a changed, added or removed function change a summary its callers read? */
export function summaryKey(s: FunctionSummary | undefined): string {
  return s ? JSON.stringify({ effects: s.effects, acquires: s.acquires, noReturn: s.noReturn ?? false }) : 'none';
}

/** Nodes that hold top-level definitions; nothing else is entered (function bodies never). */
const CONTAINERS = new Set(['translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef',
  'linkage_specification', 'declaration_list', 'ERROR']);

/** Function definitions with their text as identity; a cheap walk over top-level nodes only. */
function functionSpans(parsed: ParsedC, text: string): Span[] {
  const seen = new Map<string, number>();
  const out: Span[] = [];
  const stack: Node[] = [parsed.tree.rootNode];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'function_definition') {
      const id = declaratorName(n.childForFieldName('declarator'));
      if (!id || !n.childForFieldName('body')) continue;
      const body = text.slice(n.startIndex, n.endIndex);
      const k = seen.get(body) ?? 0;
      seen.set(body, k + 1);
      out.push({ key: `${k}\u0000${body}`, name: id.text, start: n.startIndex, end: n.endIndex, range: rangeOf(n) });
      continue;
    }
    if (!CONTAINERS.has(n.type)) continue;
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * The text the engine sees when only `changed` functions are analysed: everything outside
 * functions as it is, the changed functions as they are, every other function reduced to its
 * newlines. Lines stay put and so do the changed functions' columns (undefined when a changed
 * function shares a line with a reduced one, so columns would move).
 */
function partialView(text: string, spans: Span[], changed: Set<string>): string | undefined {
  let out = '';
  let at = 0;
  let lastReducedLine = -1;
  for (const s of spans) {
    if (s.start < at) continue;
    out += text.slice(at, s.start);
    if (changed.has(s.key)) {
      if (s.range.start.line === lastReducedLine) return undefined;
      out += text.slice(s.start, s.end);
    } else {
      if (spans.some((o) => changed.has(o.key) && o.range.start.line === s.range.end.line)) return undefined;
      out += '\n'.repeat(s.range.end.line - s.range.start.line);
      lastReducedLine = s.range.end.line;
    }
    at = s.end;
  }
  return out + text.slice(at);
}

/** Everything outside function definitions, each definition a one-character marker. */
function outsideText(text: string, spans: Span[]): string {
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    out += `${text.slice(at, s.start)}\u0001`;
    at = s.end;
  }
  return out + text.slice(at);
}

/** `text` with the given spans turned into spaces, newlines kept: every position stays put. */
export function blank(text: string, spans: [number, number][]): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [s, e] of sorted) {
    if (s < at) continue;
    out += text.slice(at, s) + text.slice(s, e).replace(/[^\n\r]/g, ' ');
    at = e;
  }
  return out + text.slice(at);
}

function shiftRange(r: SourceRange, d: number): SourceRange {
  return d === 0 ? r : { start: { line: r.start.line + d, column: r.start.column }, end: { line: r.end.line + d, column: r.end.column } };
}

function shiftFinding(f: Finding, d: number): Finding {
  if (d === 0) return f;
  return {
    ...f,
    range: shiftRange(f.range, d),
    related: f.related.map((r) => (r.uri && r.uri !== f.uri ? r : { ...r, range: shiftRange(r.range, d) })),
    path: f.path.map((p) => ({ ...p, range: shiftRange(p.range, d) })),
    fixes: f.fixes?.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, range: shiftRange(e.range, d) })) })),
    // Messages name lines for humans ("taken at line 12"): renumber them with the function.
    message: f.message.replace(/\bline (\d+)\b/g, (_m, n: string) => `line ${Number(n) + d}`),
  };
}

function shiftEdge(x: LockOrderEdge, d: number): LockOrderEdge {
  return d === 0 ? x : { ...x, firstRange: shiftRange(x.firstRange, d), secondRange: shiftRange(x.secondRange, d) };
}

function shiftSummary(s: FunctionSummary | undefined, d: number): FunctionSummary | undefined {
  return s && (d === 0 ? s : { ...s, range: shiftRange(s.range, d) });
}

function dedupeByName(list: FunctionSummary[]): FunctionSummary[] {
  const m = new Map<string, FunctionSummary>();
  for (const s of list) m.set(s.name, s);
  return [...m.values()];
}
