import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { collectCFiles, InputError, readCSource } from '../core/input';
import { createCParser, distGrammarLocation } from '../core/c/treeSitter';
import { lockOrderFindings } from '../core/analysis/lockOrder';
import type { AnalysisOptions, FileCheckResult, FunctionSummary, SourceFile, SummaryTable } from '../core/analysis/project';
import { ConfigError, findProjectConfig, knowledgeFromConfigFile } from '../core/apis/config';
import { compareFindings, type Finding, type Severity } from '../core/findings';
import { formatText, summaryLine } from '../core/report/text';
import { formatJson } from '../core/report/json';
import { formatSarif } from '../core/report/sarif';
import { ruleDocsBaseUri } from '../core/report/ruleCatalog';
import { parseCheckArgs, UsageError, type CheckArgs, type FailOn } from './args';
import { PhasedFiles } from '../core/analysis/phasedFiles';
import { ANALYSIS_YOUNG_GENERATION_MB } from '../core/analysis/threadLimits';
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
  --jobs N                   worker threads (default: by input size, up to the number of cores)

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, config or input error.
`;

/** Inputs below this many bytes per worker are analysed in fewer workers (thread start-up costs ~50 ms). */
const MIN_BYTES_PER_WORKER = 256 * 1024;

const RANK: Record<Severity, number> = { note: 1, warning: 2, error: 3 };
const FAIL_RANK: Record<FailOn, number> = { note: 1, warning: 2, error: 3, none: Infinity };

interface RunResult {
  files: FileCheckResult[];
  findings: Finding[];
  summarizeMs: number;
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
  return `lockstep: stats: ${run.files.length} files, ${sum((r) => r.stats.lines)} lines, ${sum((r) => r.stats.functions)} functions, `
    + `parse ${ms(sum((r) => r.stats.parseMs))}, analysis ${ms(sum((r) => r.stats.analysisMs))}, `
    + `summaries ${ms(run.summarizeMs)}, ${run.findings.length} findings, wall ${ms(wallMs)}, `
    + `${run.workers === 0 ? 'in-process' : `${run.workers} worker${run.workers === 1 ? '' : 's'}`}\n`;
}

function workerCount(sources: SourceFile[], jobs: number | undefined): number {
  if (jobs !== undefined) return jobs <= 1 ? 0 : Math.min(jobs, sources.length);
  const bytes = sources.reduce((n, s) => n + s.text.length, 0);
  const n = Math.min(os.availableParallelism(), sources.length, Math.floor(bytes / MIN_BYTES_PER_WORKER));
  return n <= 1 ? 0 : n;
}

async function analyse(sources: SourceFile[], options: AnalysisOptions, distDir: string, jobs: number | undefined): Promise<RunResult> {
  const workers = workerCount(sources, jobs);
  const order = new Map(sources.map((s, i) => [s.uri, i]));
  const { files, summarizeMs } = workers === 0
    ? await analyseInProcess(sources, options, distDir)
    : await analyseInWorkers(sources, options, distDir, workers);
  // Results arrive per worker; put them back in input order so everything downstream is deterministic.
  files.sort((a, b) => order.get(a.uri)! - order.get(b.uri)!);
  const findings = files.flatMap((r) => r.findings);
  findings.push(...lockOrderFindings(files.flatMap((r) => r.lockOrderEdges)));
  findings.sort(compareFindings);
  return { files, findings, summarizeMs, workers };
}

/** First summary per function name, in input order (as analyzeSet does). */
function mergeSummaries(perFile: { uri: string; summaries: FunctionSummary[] }[], order: Map<string, number>): SummaryTable {
  const table: SummaryTable = {};
  for (const f of [...perFile].sort((a, b) => order.get(a.uri)! - order.get(b.uri)!)) {
    for (const s of f.summaries) table[s.name] ??= s;
  }
  return table;
}

interface PhaseOutput {
  perFile: { uri: string; summaries: FunctionSummary[] }[];
  files: FileCheckResult[];
  summarizeMs: number;
}

async function analyseInProcess(sources: SourceFile[], options: AnalysisOptions, distDir: string): Promise<PhaseOutput> {
  const parser = await createCParser(distGrammarLocation(distDir));
  try {
    const t0 = performance.now();
    const phased = new PhasedFiles();
    const perFile = phased.summarize(parser, sources, options);
    const summarizeMs = performance.now() - t0;
    const table = mergeSummaries(perFile, new Map(sources.map((s, i) => [s.uri, i])));
    return { perFile, files: phased.check(parser, table, options), summarizeMs };
  } finally {
    parser.delete();
  }
}

/** Largest files first, each to the least-loaded worker: balanced and the same for the same input. */
function partition(sources: SourceFile[], n: number): SourceFile[][] {
  const bins = Array.from({ length: n }, () => ({ bytes: 0, files: [] as SourceFile[] }));
  const bySize = [...sources].sort((a, b) => b.text.length - a.text.length || (a.uri < b.uri ? -1 : 1));
  for (const s of bySize) {
    const bin = bins.reduce((min, b) => (b.bytes < min.bytes ? b : min), bins[0]!);
    bin.files.push(s);
    bin.bytes += s.text.length;
  }
  return bins.map((b) => b.files).filter((f) => f.length > 0);
}

class CheckWorker {
  private readonly worker: Worker;
  private pending: { resolve: (r: CheckWorkerReply) => void; reject: (e: Error) => void } | undefined;
  private readonly exited: Promise<void>;

  constructor(distDir: string) {
    this.worker = new Worker(path.join(distDir, 'checkWorker.js'), {
      workerData: { distDir } satisfies CheckWorkerData,
      resourceLimits: { maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB },
    });
    this.worker.on('message', (reply: CheckWorkerReply) => {
      const p = this.pending;
      this.pending = undefined;
      if (!p) return;
      if (reply.type === 'error') p.reject(new Error(`worker failed: ${reply.message}`));
      else p.resolve(reply);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.fail(new Error(`worker exited with code ${code}`));
        resolve();
      });
    });
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
  }

  request(req: CheckWorkerRequest): Promise<CheckWorkerReply> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: 'exit' } satisfies CheckWorkerRequest);
    // A worker that does not leave by itself soon is stopped (it holds no state worth keeping).
    const timer = setTimeout(() => void this.worker.terminate(), 2000);
    await this.exited;
    clearTimeout(timer);
  }
}

async function analyseInWorkers(sources: SourceFile[], options: AnalysisOptions, distDir: string, n: number): Promise<PhaseOutput> {
  const shares = partition(sources, n);
  const workers = shares.map(() => new CheckWorker(distDir));
  try {
    const t0 = performance.now();
    const phase1 = await Promise.all(workers.map((w, i) => w.request({ type: 'summarize', files: shares[i]!, options })));
    const summarizeMs = performance.now() - t0;
    const perFile = phase1.flatMap((r) => (r.type === 'summaries' ? r.perFile : []));
    const table = mergeSummaries(perFile, new Map(sources.map((s, i) => [s.uri, i])));
    const phase2 = await Promise.all(workers.map((w) => w.request({ type: 'check', summaries: table })));
    return { perFile, files: phase2.flatMap((r) => (r.type === 'results' ? r.results : [])), summarizeMs };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}
