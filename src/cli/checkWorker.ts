import { parentPort, workerData } from 'node:worker_threads';
import type { Parser } from 'web-tree-sitter';
import { createCParser, distGrammarLocation } from '../core/c/treeSitter';
import { checkFile, checkPrepared, disposePrepared, prepareFile, summarizePrepared, type PreparedFile } from '../core/analysis/engine';
import type { AnalysisOptions, FileCheckResult, FunctionSummary, SourceFile, SummaryTable } from '../core/analysis/project';

/**
 * A `lockstep check` worker thread. It keeps its share of the files between the two phases:
 *   summarize (phase 1) → the main thread merges every worker's summaries → check (phase 2).
 * Every message is plain JSON (structured clone).
 */
export type CheckWorkerRequest =
  | { type: 'summarize'; files: SourceFile[]; options: AnalysisOptions }
  | { type: 'check'; summaries: SummaryTable }
  | { type: 'exit' };

export type CheckWorkerReply =
  | { type: 'summaries'; perFile: { uri: string; summaries: FunctionSummary[] }[]; ms: number }
  | { type: 'results'; results: FileCheckResult[]; ms: number }
  | { type: 'error'; message: string };

export interface CheckWorkerData {
  /** Folder holding the wasm files (the CLI's own `dist/`). */
  distDir: string;
}

/**
 * Keeps each file parsed between the two phases, so phase 2 reuses phase 1's trees and the
 * analyses whose inputs did not change. Trees live in wasm memory; past a budget of source text
 * the rest are freed after phase 1 and parsed again in phase 2.
 */
export class PhasedFiles {
  private static readonly KEEP_BYTES = 48 * 1024 * 1024;
  private prepared = new Map<string, PreparedFile>();
  private files: SourceFile[] = [];

  summarize(parser: Parser, files: SourceFile[], options: AnalysisOptions): { uri: string; summaries: FunctionSummary[] }[] {
    this.dispose();
    this.files = files;
    let kept = 0;
    return files.map((f) => {
      const p = prepareFile(parser, f);
      const summaries = summarizePrepared(p, options);
      kept += f.text.length;
      if (kept <= PhasedFiles.KEEP_BYTES) this.prepared.set(f.uri, p);
      else disposePrepared(p);
      return { uri: f.uri, summaries };
    });
  }

  check(parser: Parser, summaries: SummaryTable, options: AnalysisOptions): FileCheckResult[] {
    try {
      return this.files.map((f) => {
        const p = this.prepared.get(f.uri);
        return p ? checkPrepared(p, summaries, options) : checkFile(parser, f, summaries, options);
      });
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    for (const p of this.prepared.values()) disposePrepared(p);
    this.prepared.clear();
  }
}

function serve(): void {
  const port = parentPort;
  if (!port) return;
  const { distDir } = workerData as CheckWorkerData;
  const parserReady = createCParser(distGrammarLocation(distDir));
  const phased = new PhasedFiles();
  let options: AnalysisOptions | undefined;

  const handle = async (req: CheckWorkerRequest): Promise<CheckWorkerReply | undefined> => {
    const parser = await parserReady;
    const t0 = performance.now();
    switch (req.type) {
      case 'summarize':
        options = req.options;
        return { type: 'summaries', perFile: phased.summarize(parser, req.files, options), ms: performance.now() - t0 };
      case 'check':
        if (!options) throw new Error('check before summarize');
        return { type: 'results', results: phased.check(parser, req.summaries, options), ms: performance.now() - t0 };
      case 'exit':
        phased.dispose();
        parser.delete();
        port.close();
        return undefined;
    }
  };

  port.on('message', (req: CheckWorkerRequest) => {
    handle(req).then(
      (reply) => {
        if (reply) port.postMessage(reply);
      },
      (err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies CheckWorkerReply),
    );
  });
}

serve();
