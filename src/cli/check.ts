import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createCParser, distGrammarLocation } from '../core/c/treeSitter';
import { analyzeFiles, ANALYSIS_YOUNG_GENERATION_MB, type AnalysisOptions, type FileCheckResult, type ProjectResult, type RunStats, type SourceFile } from '../core/project';
import type { Finding } from '../core/findings';
import type { CheckWorkerData, CheckWorkerReply, CheckWorkerRequest } from './checkWorker';

export interface CliHost {
  distDir: string;
}

export interface RunResult {
  files: FileCheckResult[];
  findings: Finding[];
  stats: RunStats;
  workers: number;
}

/**
 * Where the pipeline runs: in this thread unless `--jobs 2` or more asks for a worker thread (its
 * young generation is sized for the analysis; see threadLimits.ts). The worker is only a transport:
 * the same `Project` runs on either side, on one core. Measured one-shot on the real OVS trees and
 * the bench's generated corpus (118 KB to 10 MB, README "check"), the worker never cost measurably
 * less CPU or wall time than this thread and always took more memory, so it is not the default at
 * any input size.
 */
export async function analyse(sources: SourceFile[], options: AnalysisOptions, distDir: string, jobs: number | undefined): Promise<RunResult> {
  const inWorker = jobs !== undefined && jobs > 1;
  const result = inWorker ? await analyseInWorker(sources, options, distDir) : await analyseInProcess(sources, options, distDir);
  return { files: result.files, findings: result.findings, stats: result.stats, workers: inWorker ? 1 : 0 };
}

async function analyseInProcess(sources: SourceFile[], options: AnalysisOptions, distDir: string): Promise<ProjectResult> {
  const parser = await createCParser(distGrammarLocation(distDir));
  try {
    return analyzeFiles(parser, sources, options);
  } finally {
    parser.delete();
  }
}

async function analyseInWorker(sources: SourceFile[], options: AnalysisOptions, distDir: string): Promise<ProjectResult> {
  const worker = new Worker(path.join(distDir, 'checkWorker.js'), {
    workerData: { distDir } satisfies CheckWorkerData,
    resourceLimits: { maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB },
  });
  try {
    return await new Promise<ProjectResult>((resolve, reject) => {
      worker.once('message', (reply: CheckWorkerReply) => (reply.type === 'result' ? resolve(reply.result) : reject(new Error(`worker failed: ${reply.message}`))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)));
      worker.postMessage({ files: sources, options } satisfies CheckWorkerRequest);
    });
  } finally {
    await worker.terminate();
  }
}
