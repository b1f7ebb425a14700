import type { Parser } from 'web-tree-sitter';
import { listFunctions, type FunctionDef } from '../c/functions';
import { parseC, type ParsedC } from '../c/parse';
import { toSyntax, type SyntaxNode } from '../c/syntax';
import type { Finding } from '../findings';
import { FUNCTION_RULES } from '../rules/index';
import { applySuppressions, findSuppressions, type Suppression } from '../rules/suppression';
import { annotatedEffects } from './contracts';
import { parameterize } from './exprs';
import { analyzeFunction, type FunctionAnalysis } from './functionAnalysis';
import { indexKnowledge, type KnowledgeIndex } from './knowledgeIndex';
import { structSummaries } from './lockClass';
import type { AnalysisOptions, FileCheckResult, FunctionSummary, LockEffect, SourceFile, SummaryTable } from './project';

/**
 * The engine's two phases over one file. A file is parsed once into a `PreparedFile` that both
 * phases share; a function's phase-1 analysis is reused in phase 2 when the summaries it depends
 * on did not change. Functions that call nothing the analysis knows (no lock or reference call, no
 * summarised call with effects or that never returns; mutating calls only under a contract that
 * holds a lock on entry) cannot produce findings and are skipped before any CFG is built: most of
 * a large C file is such code.
 */

// Starts only at an identifier's first character, so a long identifier is scanned once, not once per offset.
const CALL_NAME = /(?<![A-Za-z0-9_])([A-Za-z_]\w*)(?!\w)\s*\(/g;

// Comments and string or character literals, which may mention calls (`/* if malloc() fails */`).
const NOT_CODE = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g;

/** Names called in the body's code (also inside `#if 0` and unparsable regions, which the analysis reports on). */
function calledNames(fn: FunctionDef, text: string): Set<string> {
  const body = text.slice(fn.body.startIndex, fn.body.endIndex).replace(NOT_CODE, ' ');
  const names = new Set<string>();
  CALL_NAME.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CALL_NAME.exec(body)) !== null) names.add(m[1]!);
  return names;
}

/** The contract says the caller holds a lock on entry (see `entryState` in functionAnalysis.ts). */
function holdsOnEntry(contract: LockEffect[] | undefined): boolean {
  return contract?.some((e) => e.op === 'requires' || e.op === 'release') ?? false;
}

/** The body asserts that a lock is held (`lockdep_assert_held`): a contract by another name. */
function assertsHeld(calls: Set<string>, index: KnowledgeIndex): boolean {
  for (const name of calls) if (index.heldAssertions.has(name)) return true;
  return false;
}

/**
 * Whether a path search can find anything in the function or change what its callers see: it calls
 * a lock or reference API, or a summarised function with lock effects or that never returns. A
 * mutating call (`hmap_remove`, `list_del`, …) matters only under a lock, so it counts only when
 * the function's contract says the caller holds one; without that no lock is ever held in it.
 */
function isRelevant(calls: Set<string>, index: KnowledgeIndex, summaries: SummaryTable, lockedOnEntry: boolean): boolean {
  for (const name of calls) {
    if (index.locks.has(name) || index.refs.has(name)) return true;
    if (lockedOnEntry && index.mutators.has(name)) return true;
    const s = summaries[name];
    if (s && (s.effects.length > 0 || s.noReturn)) return true;
  }
  return false;
}

/** Whether a function gets a path search in either phase (the caller holds a lock by contract or assertion, or see isRelevant). */
function needsAnalysis(e: FnEntry, index: KnowledgeIndex, table: SummaryTable, annotated: Map<string, LockEffect[]>): boolean {
  return isRelevant(e.calls, index, table, holdsOnEntry(annotated.get(e.fn.name)) || assertsHeld(e.calls, index));
}

/** A summary's part of its callers' signatures; summaries are replaced, never edited, so it is computed once. */
const summarySignatures = new WeakMap<FunctionSummary, string>();

function summarySignature(s: FunctionSummary): string {
  let sig = summarySignatures.get(s);
  if (sig === undefined) {
    // Entries that say nothing (no effects, returns, nor locks) are the same as no entry.
    sig = s.effects.length > 0 || s.noReturn || s.acquires.length > 0 ? `${JSON.stringify(s.effects)}:${s.noReturn ? 1 : 0}:${s.acquires.join(',')}` : '';
    summarySignatures.set(s, sig);
  }
  return sig;
}

/** What a function's analysis depended on: the summaries of the functions it calls (`calls` sorted). */
function dependencySignature(calls: readonly string[], table: SummaryTable): string {
  const parts: string[] = [];
  for (const name of calls) {
    const s = table[name];
    const sig = s ? summarySignature(s) : '';
    if (sig) parts.push(`${name}:${sig}`);
  }
  return parts.join('|');
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

interface FnEntry {
  fn: FunctionDef;
  calls: Set<string>;
  /** `calls` in order, for signatures. */
  sortedCalls: string[];
  syntax?: SyntaxNode;
  last?: { analysis: FunctionAnalysis; signature: string };
}

/** A parsed file and what both phases need from its tree. The caller must `disposePrepared` it. */
export interface PreparedFile {
  file: SourceFile;
  parsed: ParsedC;
  fns: FnEntry[];
  annotated: Map<string, LockEffect[]>;
  structs: FunctionSummary[];
  suppressions: Suppression[];
  parseMs: number;
}

export function prepareFile(parser: Parser, file: SourceFile): PreparedFile {
  const t0 = performance.now();
  const parsed = parseC(parser, file.text);
  return prepareFrom(parsed, file, performance.now() - t0);
}

function prepareFrom(parsed: ParsedC, file: SourceFile, parseMs: number): PreparedFile {
  const fns = listFunctions(parsed.tree, parsed.text).map((fn) => {
    const calls = calledNames(fn, parsed.text);
    return { fn, calls, sortedCalls: [...calls].sort() };
  });
  return {
    file, parsed, fns, parseMs,
    annotated: annotatedEffects(parsed.tree, parsed.text, parsed.lockAnnotations),
    structs: structSummaries(parsed.tree, file.uri, parsed.text),
    suppressions: file.text.includes('lockstep-ignore') ? findSuppressions(parsed.tree) : [],
  };
}

export function disposePrepared(p: PreparedFile): void {
  p.parsed.tree.delete();
  for (const e of p.fns) e.syntax = undefined;
}

function signatureOf(e: FnEntry, table: SummaryTable, contract: LockEffect[], structs: string[]): string {
  const structSig = structs.map((n) => `${n}=${JSON.stringify(table[n]?.fields ?? null)}`).join(',');
  return `${dependencySignature(e.sortedCalls, table)}#${JSON.stringify(contract)}#${structSig}`;
}

function analyze(p: PreparedFile, e: FnEntry, index: KnowledgeIndex, table: SummaryTable, contract: LockEffect[], options: AnalysisOptions): FunctionAnalysis {
  e.syntax ??= toSyntax(e.fn.node, p.parsed.text);
  const analysis = analyzeFunction({
    uri: p.file.uri, fn: e.fn, text: p.parsed.text, syntax: e.syntax, index, summaries: table, contract, maxStatesPerNode: options.maxStatesPerNode,
  });
  e.last = { analysis, signature: signatureOf(e, table, contract, analysis.structLookups) };
  return analysis;
}

/** Phase 1: annotated and inferred lock effects of this file's functions (two rounds for wrappers of wrappers). */
export function summarizePrepared(p: PreparedFile, options: AnalysisOptions): FunctionSummary[] {
  const index = indexKnowledge(options.knowledge);
  const { file, annotated } = p;
  const table: SummaryTable = {};
  for (const { fn } of p.fns) {
    const contract = annotated.get(fn.name);
    table[fn.name] = { name: fn.name, uri: file.uri, range: fn.range, effects: contract ? dedupeEffects(contract) : [], acquires: [] };
  }
  for (const [name, effects] of annotated) {
    // Prototypes with contracts for functions defined elsewhere.
    table[name] ??= { name, uri: file.uri, range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } }, effects: dedupeEffects(effects), acquires: [] };
  }
  for (const st of p.structs) table[st.name] ??= st;
  // The second round revisits only functions that call one whose summary the first round changed.
  let changedNames: Set<string> | undefined;
  for (let round = 0; round < 2; round++) {
    const changedNow = new Set<string>();
    for (const e of p.fns) {
      const { fn } = e;
      if (!needsAnalysis(e, index, table, annotated)) continue;
      if (changedNames && ![...e.calls].some((c) => changedNames!.has(c))) continue;
      const contract = annotated.get(fn.name) ?? [];
      const a = analyze(p, e, index, table, contract, options);
      const effects = dedupeEffects([...contract, ...a.inferred]);
      const noReturn = a.exits.length === 0 && !a.incomplete;
      const prev = table[fn.name]!;
      if (JSON.stringify(prev.effects) !== JSON.stringify(effects) || (prev.noReturn ?? false) !== noReturn) changedNow.add(fn.name);
      table[fn.name] = { ...prev, effects, noReturn: noReturn || undefined, acquires: a.acquired.map((id) => parameterize(id, fn.params)) };
    }
    if (changedNow.size === 0) break;
    changedNames = changedNow;
  }
  // The copies are dropped here: kept for phase 2 they would outlive every file of the set and
  // cost more in garbage collection than copying again the few functions phase 2 re-analyses.
  for (const e of p.fns) e.syntax = undefined;
  const out = Object.values(table).filter((s) => !s.fields && (s.effects.length > 0 || s.noReturn || s.acquires.length > 0));
  return [...out, ...p.structs];
}

/** Phase 2: findings and lock-order edges of this file, with the whole set's summaries. */
export function checkPrepared(p: PreparedFile, summaries: SummaryTable, options: AnalysisOptions): FileCheckResult {
  const t0 = performance.now();
  const index = indexKnowledge(options.knowledge);
  const { file, annotated } = p;
  // Layered over the set's table rather than copied: copying per file made big sets quadratic.
  const table = Object.create(summaries) as SummaryTable;
  for (const st of p.structs) table[st.name] ??= st;
  const findings: Finding[] = [];
  const lockOrderEdges: FileCheckResult['lockOrderEdges'] = [];
  const functions: FileCheckResult['functions'] = [];
  for (const e of p.fns) {
    const { fn } = e;
    if (!needsAnalysis(e, index, table, annotated)) continue;
    const own = table[fn.name];
    // The contract includes what was inferred for this function, so its callers' view and its own agree.
    const contract = dedupeEffects([...(annotated.get(fn.name) ?? []), ...(own?.uri === file.uri ? own.effects.filter((x) => x.source === 'inferred') : [])]);
    const sameInputs = e.last && e.last.signature === signatureOf(e, table, contract, e.last.analysis.structLookups);
    const a = sameInputs ? e.last!.analysis : analyze(p, e, index, table, contract, options);
    for (const rule of FUNCTION_RULES) findings.push(...rule.check({ uri: file.uri, analysis: a }));
    lockOrderEdges.push(...a.lockOrder);
    if (a.locks > 0 || a.refs > 0) functions.push({ name: fn.name, range: fn.range, locks: a.locks, refs: a.refs });
  }
  const functionAt = (line: number): string => p.fns.find((f) => f.fn.range.start.line <= line && line <= f.fn.range.end.line)?.fn.name ?? '';
  const kept = applySuppressions(findings, p.suppressions, file.uri, functionAt);
  return {
    uri: file.uri, findings: kept, lockOrderEdges, functions,
    stats: { lines: countLines(file.text), functions: p.fns.length, parseMs: p.parseMs, analysisMs: performance.now() - t0 },
  };
}

/**
 * Both phases over a tree the caller owns (the editor keeps one per open document). The prepared
 * view is cached per tree so the two calls share their work; the caller still deletes the tree.
 */
const preparedOf = new WeakMap<ParsedC, PreparedFile>();

export function prepareParsed(parsed: ParsedC, file: SourceFile): PreparedFile {
  let p = preparedOf.get(parsed);
  if (!p || p.file.text !== file.text || p.file.uri !== file.uri) {
    p = prepareFrom(parsed, file, 0);
    preparedOf.set(parsed, p);
  }
  return p;
}

export function summarizeParsed(parsed: ParsedC, file: SourceFile, options: AnalysisOptions): FunctionSummary[] {
  return summarizePrepared(prepareParsed(parsed, file), options);
}

export function checkParsed(parsed: ParsedC, file: SourceFile, summaries: SummaryTable, options: AnalysisOptions): FileCheckResult & { analysisMs: number; functionCount: number } {
  const r = checkPrepared(prepareParsed(parsed, file), summaries, options);
  return { ...r, analysisMs: r.stats.analysisMs, functionCount: r.stats.functions };
}

function withPrepared<T>(parser: Parser, file: SourceFile, fn: (p: PreparedFile) => T): T {
  const p = prepareFile(parser, file);
  try {
    return fn(p);
  } finally {
    disposePrepared(p);
  }
}

export function summarizeFile(parser: Parser, file: SourceFile, options: AnalysisOptions): FunctionSummary[] {
  return withPrepared(parser, file, (p) => summarizePrepared(p, options));
}

export function checkFile(parser: Parser, file: SourceFile, summaries: SummaryTable, options: AnalysisOptions): FileCheckResult {
  return withPrepared(parser, file, (p) => checkPrepared(p, summaries, options));
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
