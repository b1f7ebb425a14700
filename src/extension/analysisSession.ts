import type { Parser } from 'web-tree-sitter';
import { checkFile, summarizeFile } from '../core/analysis/engine';
import { builtinKnowledge } from '../core/apis/builtin';
import { parseC } from '../core/c/parse';
import { withLeakFixes } from '../core/fixes/leakFixes';
import { lockOrderFindings } from '../core/analysis/lockOrder';
import type { AnalysisOptions, FunctionSummary, LockOrderEdge, SourceFile, SummaryTable } from '../core/analysis/project';
import type { Finding } from '../core/findings';
import { DocumentTrees } from './documentTrees';
import { FunctionCache } from './functionCache';
import type { AnalysisStage, CheckReply } from './protocol';
import { applyChanges, type OffsetChange } from './textChanges';

/** An analysis failure that names its file and stage, so the host can log and show it. */
export class StageError extends Error {
  constructor(readonly stage: AnalysisStage, readonly uri: string | undefined, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'StageError';
    if (cause instanceof Error && cause.stack) this.stack = cause.stack;
  }
}

interface OpenDocument {
  version: number;
  text: string;
}


/**
 * Everything the analysis worker knows: open documents (text + kept syntax tree), every file's
 * function summaries and lock-order edges. Runs the engine's two phases; pure Node, so the unit
 * tests drive it directly and the worker is only a message loop around it.
 */
export class AnalysisSession {
  private readonly docs = new Map<string, OpenDocument>();
  private readonly trees: DocumentTrees;
  private readonly summaries = new Map<string, FunctionSummary[]>();
  private readonly edges = new Map<string, LockOrderEdge[]>();
  private table: SummaryTable | undefined;
  private readonly caches = new Map<string, FunctionCache>();
  /** Built-in knowledge until the host sends the project's (built-in + lockstep.json). */
  private options: AnalysisOptions = { knowledge: builtinKnowledge() };

  constructor(private readonly parser: Parser) {
    this.trees = new DocumentTrees(parser);
  }

  configure(options: AnalysisOptions): void {
    this.options = options;
    this.table = undefined;
    this.caches.clear(); // reused results were computed with the old knowledge
  }

  open(uri: string, version: number, text: string): void {
    this.docs.set(uri, { version, text });
  }

  /** Applies editor changes; false when the copy is out of step (the host then re-opens it). */
  change(uri: string, version: number, changes: OffsetChange[], expectedLength: number): boolean {
    const doc = this.docs.get(uri);
    if (!doc) return false;
    const text = applyChanges(doc.text, changes);
    if (text === undefined || text.length !== expectedLength) {
      this.docs.delete(uri);
      this.caches.delete(uri);
      this.trees.forget(uri);
      return false;
    }
    doc.text = text;
    doc.version = version;
    return true;
  }

  close(uri: string): void {
    this.docs.delete(uri);
    this.caches.delete(uri);
    this.trees.forget(uri);
  }

  isOpen(uri: string): boolean {
    return this.docs.has(uri);
  }

  versionOf(uri: string): number | undefined {
    return this.docs.get(uri)?.version;
  }

  /** Phase 1 for a closed workspace file. Returns how many functions it summarised. */
  summarize(file: SourceFile): number {
    if (this.docs.has(file.uri)) return this.summaries.get(file.uri)?.length ?? 0; // the open copy wins
    const parser = this.parser;
    const list = this.stage('summarize', file.uri, () => summarizeFile(parser, file, this.options));
    this.setSummaries(file.uri, list);
    return list.length;
  }

  /**
   * Checks an open document against every summary known: one incremental reparse of the kept tree,
   * then only the functions the edit changed are analysed (FunctionCache reuses the others).
   */
  check(uri: string): CheckReply {
    const doc = this.docs.get(uri);
    if (!doc) throw new StageError('sync', uri, new Error('document is not open in the worker'));
    const t0 = performance.now();
    const before = this.trees.counters.incremental;
    const parsed = this.stage('parse', uri, () => parseC(this.trees.parserFor(uri), doc.text));
    const parseMs = performance.now() - t0;
    try {
      let cache = this.caches.get(uri);
      if (!cache) this.caches.set(uri, (cache = new FunctionCache()));
      const file = { uri, text: doc.text };
      const table = this.summaryTable();
      const parsers = { whole: this.trees.parserFor(uri), view: this.parser };
      const r = this.stage('check', uri, () => cache.check(parsers, parsed, file, table, this.options));
      this.setSummaries(uri, r.summaries);
      this.edges.set(uri, r.lockOrderEdges);
      const lockOrder = this.lockOrder();
      const findings = this.stage('fixes', uri, () => withLeakFixes(r.findings, parsed.tree, doc.text, this.options.knowledge));
      return {
        uri, version: doc.version, findings, lockOrder, functions: r.functions,
        stats: { ...r.stats, parseMs: parseMs + r.stats.parseMs },
        ms: performance.now() - t0,
        incremental: this.trees.counters.incremental > before,
        analysed: r.analysed,
      };
    } finally {
      parsed.tree.delete();
    }
  }

  /** Phase 2 for a closed workspace file (parsed from scratch, no tree kept). */
  checkFile(file: SourceFile): CheckReply {
    return this.run(file, this.parser, 0);
  }

  forget(uri: string): void {
    this.summaries.delete(uri);
    this.edges.delete(uri);
    this.table = undefined;
  }

  /** Lock-order cycles over all edges known now. */
  lockOrder(): Finding[] {
    const all = [...this.edges.values()].flat();
    return this.stage('lock-order', undefined, () => lockOrderFindings(all));
  }

  get knownFiles(): number {
    return this.summaries.size;
  }

  dispose(): void {
    this.trees.dispose();
    this.docs.clear();
  }

  private run(file: SourceFile, parser: Parser, version: number): CheckReply {
    const t0 = performance.now();
    const own = this.stage('summarize', file.uri, () => summarizeFile(parser, file, this.options));
    this.setSummaries(file.uri, own);
    const table = this.summaryTable();
    const result = this.stage('check', file.uri, () => checkFile(parser, file, table, this.options));
    this.edges.set(file.uri, result.lockOrderEdges);
    const lockOrder = this.lockOrder();
    return {
      uri: file.uri,
      version,
      findings: result.findings,
      lockOrder,
      functions: result.functions,
      stats: result.stats,
      ms: performance.now() - t0,
      incremental: false,
      analysed: result.stats.functions,
    };
  }

  private setSummaries(uri: string, list: FunctionSummary[]): void {
    const old = this.summaries.get(uri);
    if (old && JSON.stringify(old) === JSON.stringify(list)) return;
    this.summaries.set(uri, list);
    this.table = undefined;
  }

  private summaryTable(): SummaryTable {
    if (this.table) return this.table;
    const table: SummaryTable = {};
    // Open documents first: their summaries describe what the user is editing now.
    const order = [...this.summaries.keys()].sort((a, b) => Number(this.docs.has(b)) - Number(this.docs.has(a)) || (a < b ? -1 : 1));
    for (const uri of order) {
      for (const s of this.summaries.get(uri)!) table[s.name] ??= s;
    }
    this.table = table;
    return table;
  }

  private stage<T>(stage: AnalysisStage, uri: string | undefined, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof StageError) throw e;
      throw new StageError(stage, uri, e);
    }
  }
}
