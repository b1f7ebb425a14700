import type { Parser } from 'web-tree-sitter';
import { clearTextMemos } from './exprs';
import { checkFile, checkPrepared, disposePrepared, prepareFile, summarizePrepared, type PreparedFile } from './engine';
import type { AnalysisOptions, FileCheckResult, FunctionSummary, SourceFile, SummaryTable } from './project';

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
    clearTextMemos();
  }
}

