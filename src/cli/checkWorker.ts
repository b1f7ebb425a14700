import { parentPort, workerData } from 'node:worker_threads';
import { createCParser, distGrammarLocation } from '../core/c/treeSitter';
import { analyzeFiles, type AnalysisOptions, type ProjectResult, type SourceFile } from '../core/project';

/**
 * The `lockstep check` worker thread: a transport for the one pipeline (src/core/project), run
 * with a young generation sized for the analysis. One request, one reply; plain JSON both ways.
 */
export interface CheckWorkerRequest {
  files: SourceFile[];
  options: AnalysisOptions;
}

export type CheckWorkerReply =
  | { type: 'result'; result: ProjectResult }
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
  port.once('message', (req: CheckWorkerRequest) => {
    parserReady.then(
      (parser) => {
        try {
          port.postMessage({ type: 'result', result: analyzeFiles(parser, req.files, req.options) } satisfies CheckWorkerReply);
        } finally {
          parser.delete();
        }
      },
    ).catch((err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies CheckWorkerReply));
  });
}

serve();
