import { parentPort, workerData } from 'node:worker_threads';
import { createCParser, distGrammarLocation } from '../core/c/treeSitter';
import { PhasedFiles } from '../core/analysis/phasedFiles';
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
