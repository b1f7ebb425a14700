import type { Parser } from 'web-tree-sitter';
import { listFunctions, type FunctionDef } from '../c/functions';
import { parseC, type ParsedC } from '../c/parse';
import type { Finding } from '../findings';
import { FUNCTION_RULES } from '../rules/index';
import { applySuppressions, findSuppressions } from '../rules/suppression';
import { annotatedEffects } from './contracts';
import { parameterize } from './exprs';
import { analyzeFunction } from './functionAnalysis';
import { structSummaries } from './lockClass';
import { indexKnowledge, type KnowledgeIndex } from './knowledgeIndex';
import { calleeName } from './ops';
import type { AnalysisOptions, FileCheckResult, FunctionSummary, LockEffect, SourceFile, SummaryTable } from './project';

/**
 * The engine's two phases over one file. Functions that call nothing the analysis knows (no lock,
 * reference, mutator, non-returning or summarised call) cannot produce findings and are skipped
 * before any CFG is built: most of a large C file is such code.
 */

function isRelevant(fn: FunctionDef, index: KnowledgeIndex, summaries: SummaryTable): boolean {
  for (const call of fn.body.descendantsOfType('call_expression')) {
    if (!call) continue;
    const name = calleeName(call);
    if (!name) continue;
    if (index.locks.has(name) || index.refs.has(name) || index.mutators.has(name)) return true;
    const s = summaries[name];
    if (s && (s.effects.length > 0 || s.noReturn)) return true;
  }
  return false;
}

function dedupeEffects(effects: LockEffect[]): LockEffect[] {
  const seen = new Set<string>();
  return effects.filter((e) => {
    const k = `${e.op}:${e.lock}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function withParsed<T>(parser: Parser, file: SourceFile, fn: (p: ParsedC) => T): { value: T; parseMs: number } {
  const t0 = performance.now();
  const parsed = parseC(parser, file.text);
  const parseMs = performance.now() - t0;
  try {
    return { value: fn(parsed), parseMs };
  } finally {
    parsed.tree.delete();
  }
}

export function summarizeParsed(parsed: ParsedC, file: SourceFile, options: AnalysisOptions): FunctionSummary[] {
  const index = indexKnowledge(options.knowledge);
  const fns = listFunctions(parsed.tree);
  const annotated = annotatedEffects(parsed.tree, parsed.text, parsed.lockAnnotations);
  const table: SummaryTable = {};
  const base = (fn: FunctionDef): FunctionSummary => ({
    name: fn.name, uri: file.uri, range: fn.range, effects: dedupeEffects(annotated.get(fn.name) ?? []), acquires: [],
  });
  for (const fn of fns) table[fn.name] = base(fn);
  for (const [name, effects] of annotated) {
    // Prototypes with contracts for functions defined elsewhere.
    table[name] ??= { name, uri: file.uri, range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } }, effects: dedupeEffects(effects), acquires: [] };
  }
  // Two rounds: wrappers of wrappers in the same file see the first round's summaries.
  for (let round = 0; round < 2; round++) {
    let changed = false;
    for (const fn of fns) {
      if (!isRelevant(fn, index, table)) continue;
      const contract = annotated.get(fn.name) ?? [];
      const a = analyzeFunction({ uri: file.uri, fn, index, summaries: table, contract, maxStatesPerNode: options.maxStatesPerNode });
      const effects = dedupeEffects([...contract, ...a.inferred]);
      const noReturn = a.exits.length === 0 && !a.incomplete;
      const prev = table[fn.name]!;
      if (JSON.stringify(prev.effects) !== JSON.stringify(effects) || prev.noReturn !== noReturn) changed = true;
      table[fn.name] = { ...prev, effects, noReturn: noReturn || undefined, acquires: a.acquired.map((id) => parameterize(id, fn.params)) };
    }
    if (!changed) break;
  }
  const out = Object.values(table).filter((s) => s.effects.length > 0 || s.noReturn || s.acquires.length > 0);
  return [...out, ...structSummaries(parsed.tree, file.uri)];
}

export function summarizeFile(parser: Parser, file: SourceFile, options: AnalysisOptions): FunctionSummary[] {
  return withParsed(parser, file, (p) => summarizeParsed(p, file, options)).value;
}

export function checkParsed(parsed: ParsedC, file: SourceFile, summaries: SummaryTable, options: AnalysisOptions): Omit<FileCheckResult, 'stats'> & { analysisMs: number; functionCount: number } {
  const t0 = performance.now();
  const index = indexKnowledge(options.knowledge);
  const fns = listFunctions(parsed.tree);
  const annotated = annotatedEffects(parsed.tree, parsed.text, parsed.lockAnnotations);
  // This file's own functions: its summaries win over same-named ones from elsewhere.
  const table: SummaryTable = { ...summaries };
  for (const st of structSummaries(parsed.tree, file.uri)) table[st.name] ??= st;
  const findings: Finding[] = [];
  const lockOrderEdges: FileCheckResult['lockOrderEdges'] = [];
  const functions: FileCheckResult['functions'] = [];
  for (const fn of fns) {
    if (!isRelevant(fn, index, table)) continue;
    const contract = annotated.get(fn.name) ?? [];
    const own = table[fn.name];
    const a = analyzeFunction({
      uri: file.uri, fn, index, summaries: table, maxStatesPerNode: options.maxStatesPerNode,
      // The contract includes what was inferred for this function, so its callers' view and its own agree.
      contract: dedupeEffects([...contract, ...(own?.uri === file.uri ? own.effects.filter((e) => e.source === 'inferred') : [])]),
    });
    for (const rule of FUNCTION_RULES) findings.push(...rule.check({ uri: file.uri, analysis: a }));
    lockOrderEdges.push(...a.lockOrder);
    if (a.locks > 0 || a.refs > 0) functions.push({ name: fn.name, range: fn.range, locks: a.locks, refs: a.refs });
  }
  const functionAt = (line: number): string => fns.find((f) => f.range.start.line <= line && line <= f.range.end.line)?.name ?? '';
  const kept = applySuppressions(findings, findSuppressions(parsed.tree), file.uri, functionAt);
  return { uri: file.uri, findings: kept, lockOrderEdges, functions, analysisMs: performance.now() - t0, functionCount: fns.length };
}

export function checkFile(parser: Parser, file: SourceFile, summaries: SummaryTable, options: AnalysisOptions): FileCheckResult {
  const { value, parseMs } = withParsed(parser, file, (p) => checkParsed(p, file, summaries, options));
  const { analysisMs, functionCount, ...rest } = value;
  return { ...rest, stats: { lines: countLines(file.text), functions: functionCount, parseMs, analysisMs } };
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
