import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { collectCFiles, InputError, readCSource } from '../core/input';
import { createCParser, distGrammarLocation } from '../core/c/treeSitter';
import { analyzeFiles, ANALYSIS_YOUNG_GENERATION_MB, type AnalysisOptions, type FileCheckResult, type ProjectResult, type RunStats, type SourceFile } from '../core/project';
import { ConfigError, findProjectConfig, knowledgeFromConfigFile } from '../core/apis/config';
import type { Finding, Severity } from '../core/findings';
import { formatText, summaryLine } from '../core/report/text';
import { formatJson } from '../core/report/json';
import { formatSarif } from '../core/report/sarif';
import { ruleDocsBaseUri } from '../core/report/ruleCatalog';
import { parseCheckArgs, UsageError, type CheckArgs, type FailOn } from './args';
import type { CheckWorkerData, CheckWorkerReply, CheckWorkerRequest } from './checkWorker';

export interface CliHost {
  distDir: string;
}

const HELP = `Usage: lockstep check [options] <files|dirs...>

Analyses C files (directories recurse into .c and .h) for lock and reference-count bugs.

Options:
  --format text|json|sarif   output format on stdout (default text)
  --config FILE              project config (default: lockstep.json in the inputs' folder or a parent)
  --fail-on error|warning|note|none
                             lowest severity that makes the exit code 1 (default warning)
  --stats                    print files, lines, parse and analysis time, findings to stderr
  --jobs N                   1: analyse in this thread; 2 or more: in a worker thread (default: by input size)

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, config or input error.
`;

const RANK: Record<Severity, number> = { note: 1, warning: 2, error: 3 };
const FAIL_RANK: Record<FailOn, number> = { note: 1, warning: 2, error: 3, none: Infinity };

interface RunResult {
  files: FileCheckResult[];
  findings: Finding[];
  stats: RunStats;
  workers: number;
}

export async function runCheck(argv: string[], host: CliHost): Promise<number> {
  let args: CheckArgs;
  try {
    args = parseCheckArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`lockstep check: ${e.message} (try lockstep check --help)\n`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.paths.length === 0) {
    process.stderr.write('lockstep check: no files given (try lockstep check <files|dirs...>)\n');
    return 2;
  }
  const started = performance.now();

  let options: AnalysisOptions;
  try {
    options = { knowledge: knowledgeFromConfigFile(args.config ?? findProjectConfig(args.paths)) };
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`lockstep: config error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  const { sources, inputErrors } = readInputs(args.paths);
  if (sources.length === 0) return 2;

  const run = await analyse(sources, options, host.distDir, args.jobs);
  const cwd = process.cwd();
  switch (args.format) {
    case 'text':
      process.stdout.write(formatText(run.findings, { cwd }));
      process.stderr.write(`lockstep: ${summaryLine(run.findings, sources.length)}\n`);
      break;
    case 'json':
      process.stdout.write(formatJson(run.findings, sources.length));
      break;
    case 'sarif':
      process.stdout.write(formatSarif(run.findings, { cwd, helpBaseUri: ruleDocsBaseUri(path.resolve(host.distDir, '..')) }));
      break;
  }
  if (args.stats) process.stderr.write(statsLine(run, performance.now() - started));

  if (inputErrors > 0) return 2;
  const threshold = FAIL_RANK[args.failOn];
  return run.findings.some((f) => RANK[f.severity] >= threshold) ? 1 : 0;
}

/** Reads every input; each unreadable one is one stderr line and counted (exit 2 at the end). */
function readInputs(paths: string[]): { sources: SourceFile[]; inputErrors: number } {
  let inputErrors = 0;
  const fail = (e: unknown): void => {
    if (!(e instanceof InputError)) throw e;
    process.stderr.write(`lockstep: ${e.message}\n`);
    inputErrors++;
  };
  const files: string[] = [];
  for (const p of paths) {
    try {
      files.push(...collectCFiles([p]));
    } catch (e) {
      fail(e);
    }
  }
  const sources: SourceFile[] = [];
  for (const file of [...new Set(files)]) {
    try {
      sources.push({ uri: file, text: readCSource(file) });
    } catch (e) {
      fail(e);
    }
  }
  return { sources, inputErrors };
}

function statsLine(run: RunResult, wallMs: number): string {
  const sum = (f: (r: FileCheckResult) => number): number => run.files.reduce((n, r) => n + f(r), 0);
  const ms = (n: number): string => `${Math.round(n)} ms`;
  const s = run.stats;
  return `lockstep: stats: ${run.files.length} files, ${sum((r) => r.stats.lines)} lines, ${sum((r) => r.stats.functions)} functions, `
    + `parse ${ms(s.parseMs)} (${s.parsed} parses), analysis ${ms(s.analysisMs)} (${s.analysed} functions analysed, ${s.reused} reused, ${s.rounds} extra rounds), `
    + `${run.findings.length} findings, wall ${ms(wallMs)}, ${run.workers === 0 ? 'in-process' : 'in a worker thread'}\n`;
}

/**
 * Where the pipeline runs: in this thread for small inputs, in one worker thread for large ones
 * (its young generation is sized for the analysis; see threadLimits.ts). The worker is only a
 * transport: the same `Project` runs on either side.
 */
const WORKER_ABOVE_BYTES = 256 * 1024;

async function analyse(sources: SourceFile[], options: AnalysisOptions, distDir: string, jobs: number | undefined): Promise<RunResult> {
  const bytes = sources.reduce((n, s) => n + s.text.length, 0);
  const inWorker = jobs === undefined ? bytes >= WORKER_ABOVE_BYTES : jobs > 1;
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
