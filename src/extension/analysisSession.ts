import type { Parser } from 'web-tree-sitter';
import { builtinKnowledge } from '../core/apis/builtin';
import { parseC, type TextSpan } from '../core/c/parse';
import type { Finding } from '../core/findings';
import { Project, type AnalysisOptions, type ParseHost, type SourceFile } from '../core/project';
import { DocumentTrees } from './documentTrees';
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
 * What the analysis worker knows: the open documents (text + kept syntax tree, so each keystroke
 * reparses incrementally) and the workspace's files, all in one core `Project` — the same
 * pipeline the CLI and the patch reviewer run. A keystroke re-analyses only the edited file's
 * changed functions; a closed file is brought up to date when the workspace index asks for it.
 */
export class AnalysisSession {
  private readonly docs = new Map<string, OpenDocument>();
  private readonly trees: DocumentTrees;
  private readonly project: Project;

  constructor(private readonly parser: Parser) {
    this.trees = new DocumentTrees(parser);
    const host: ParseHost = {
      parse: (file: SourceFile, ranges?: TextSpan[]) => {
        const t0 = performance.now();
        // A partial parse (some functions of the file) is not the document's tree: the plain parser.
        const p = this.docs.has(file.uri) && !ranges ? this.trees.parserFor(file.uri) : this.parser;
        return { parsed: parseC(p, file.text, null, ranges), ms: performance.now() - t0, owned: true };
      },
    };
    this.project = new Project(host, { knowledge: builtinKnowledge(), fixes: true });
  }

  configure(options: AnalysisOptions): void {
    this.project.configure({ ...options, fixes: true });
  }

  open(uri: string, version: number, text: string): void {
    this.docs.set(uri, { version, text });
    this.project.setFile({ uri, text });
  }

  /** Applies editor changes; false when the copy is out of step (the host then re-opens it). */
  change(uri: string, version: number, changes: OffsetChange[], expectedLength: number): boolean {
    const doc = this.docs.get(uri);
    if (!doc) return false;
    const text = applyChanges(doc.text, changes);
    if (text === undefined || text.length !== expectedLength) {
      this.docs.delete(uri);
      this.trees.forget(uri);
      return false;
    }
    doc.text = text;
    doc.version = version;
    this.project.setFile({ uri, text });
    return true;
  }

  /** The document stays part of the program with its last text (the workspace index refreshes it from disk). */
  close(uri: string): void {
    this.docs.delete(uri);
    this.trees.forget(uri);
  }

  isOpen(uri: string): boolean {
    return this.docs.has(uri);
  }

  versionOf(uri: string): number | undefined {
    return this.docs.get(uri)?.version;
  }

  /** A closed workspace file: its functions are summarised now. Returns how many functions it has. */
  summarize(file: SourceFile): number {
    if (this.docs.has(file.uri)) return this.project.functionCount(file.uri); // the open copy wins
    this.project.setFile(file);
    const only = new Set([file.uri]);
    this.stage('summarize', file.uri, () => this.project.run({ report: only, process: only }));
    return this.project.functionCount(file.uri);
  }

  /** Checks an open document: one incremental reparse, then only its changed functions are analysed. */
  check(uri: string): CheckReply {
    const doc = this.docs.get(uri);
    if (!doc) throw new StageError('sync', uri, new Error('document is not open in the worker'));
    return this.reply(uri, doc.version, () => this.trees.counters.incremental);
  }

  /** A closed workspace file against everything known; files it depends on are brought up to date first. */
  checkFile(file: SourceFile): CheckReply {
    if (!this.docs.has(file.uri)) this.project.setFile(file);
    return this.reply(file.uri, 0, () => -1);
  }

  forget(uri: string): void {
    if (!this.docs.has(uri)) this.project.removeFile(uri);
  }

  /** Lock-order cycles over all edges known now. */
  lockOrder(): Finding[] {
    return this.stage('lock-order', undefined, () => this.project.lockOrder());
  }

  get knownFiles(): number {
    return this.project.uris().length;
  }

  dispose(): void {
    this.trees.dispose();
    this.docs.clear();
  }

  private reply(uri: string, version: number, incrementalCount: () => number): CheckReply {
    const t0 = performance.now();
    const before = incrementalCount();
    const only = new Set([uri]);
    const r = this.stage('check', uri, () => this.project.run({ report: only, process: only }));
    const file = r.files[0];
    const lockOrder = this.lockOrder();
    return {
      uri,
      version,
      findings: (file?.findings ?? []).filter((f) => f.ruleId !== 'lock-order'),
      lockOrder,
      functions: file?.functions ?? [],
      stats: file ? { ...file.stats, parseMs: r.stats.parseMs, analysisMs: r.stats.analysisMs } : { lines: 0, functions: 0, parseMs: 0, analysisMs: 0 },
      ms: performance.now() - t0,
      incremental: incrementalCount() > before,
      analysed: r.stats.analysed,
    };
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
