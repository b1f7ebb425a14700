/**
 * `npm run bench`: parse-only vs parse+analysis time on a real C corpus (the SQLite amalgamation,
 * fetched from the npm registry into .bench-cache/) and a generated datapath-style corpus.
 *
 *   node --import tsx bench/run.ts [--runs N] [--warm-ups N] [--gen-lines N] [--skip-real] [--write-gen DIR]
 *
 * Every time is the median of N runs (default 7) after warm-ups (default 8: V8 needs that many
 * passes to optimise the engine), in one worker thread configured
 * like the CLI's. Parse-only and parse+analysis run alternately and are timed in CPU time, so their
 * ratio does not depend on how busy the machine was; the 40k-line latency is wall time.
 * "parse+analysis" is the engine's whole pipeline over the set (summaries, checks, lock order),
 * so analysis = parse+analysis − parse-only, and the ratio is analysis ÷ parse-only: the median of
 * the runs' ratios (each run times both back to back), with their range.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import type { Parser } from 'web-tree-sitter';
import { createCParser, type GrammarLocation } from '../src/core/c/treeSitter';
import { parseC } from '../src/core/c/parse';
import { listFunctions } from '../src/core/c/functions';
import { analyzeEntry, disposePrepared, prepareFile } from '../src/core/analysis/engine';
import { indexKnowledge } from '../src/core/analysis/knowledgeIndex';
import { summaryTable } from '../src/core/analysis/types';
import { FUNCTION_RULES } from '../src/core/rules/index';
import { analyzeFiles, ANALYSIS_YOUNG_GENERATION_MB, type AnalysisOptions, type FileCheckResult, type SourceFile } from '../src/core/project';
import { builtinKnowledge } from '../src/core/apis/builtin';
import type { Finding } from '../src/core/findings';
import { countLines, generateDatapathCorpus, largeDispatchFunction } from './genDatapath';
import { sqliteCorpus } from './realCorpus';
import { fmtMs, fmtRate, median, timeInterleaved, timeRuns } from './timing';

const root = path.resolve(__dirname, '..');
const grammar: GrammarLocation = {
  runtimeDir: path.join(root, 'node_modules', 'web-tree-sitter'),
  grammarFile: path.join(root, 'node_modules', 'tree-sitter-c', 'tree-sitter-c.wasm'),
};

interface Args {
  runs: number;
  /** Untimed passes over each corpus before the timed ones (see timeInterleaved). */
  warmUps: number;
  genLines: number;
  skipReal: boolean;
  writeGen?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { runs: 7, warmUps: 8, genLines: 50_000, skipReal: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--runs') a.runs = Number(argv[++i]);
    else if (v === '--warm-ups') a.warmUps = Number(argv[++i]);
    else if (v === '--gen-lines') a.genLines = Number(argv[++i]);
    else if (v === '--skip-real') a.skipReal = true;
    else if (v === '--write-gen') a.writeGen = argv[++i];
    else throw new Error(`bench: unknown argument ${v}`);
  }
  if (!Number.isInteger(a.runs) || a.runs < 1) throw new Error('bench: --runs needs a positive whole number');
  if (!Number.isInteger(a.warmUps) || a.warmUps < 1) throw new Error('bench: --warm-ups needs a positive whole number');
  return a;
}

interface Pipeline {
  /** Re-parses and extra rounds the pipeline needed (summaries to a fixed point). */
  summarizeMs: number;
  findings: Finding[];
  results: FileCheckResult[];
}

/** The pipeline the CLI runs (src/core/project), in one thread. */
export function pipeline(parser: Parser, files: readonly SourceFile[], options: AnalysisOptions): Pipeline {
  const r = analyzeFiles(parser, [...files], options);
  return { summarizeMs: r.stats.rounds, findings: r.findings, results: r.files };
}

function parseOnly(parser: Parser, files: readonly SourceFile[]): void {
  for (const f of files) parseC(parser, f.text).tree.delete();
}

/**
 * The slowest function: each function analysed on its own (its text alone, with the set's
 * summaries), timed once; the 5 slowest are timed again 5 times and the worst median wins. The
 * time is the engine's work on the function in both phases (copy out of the tree, CFG, path search,
 * summaries, rules); the parse of its text, tree-sitter's work, is timed apart and reported beside it.
 */
function worstFunction(parser: Parser, files: readonly SourceFile[], options: AnalysisOptions): { name: string; ms: number; parseMs: number; count: number } {
  const timed: { name: string; snippet: SourceFile; ms: number }[] = [];
  const analyse = (snippet: SourceFile): BothPhases => bothPhases(parser, snippet, options);
  for (const f of files) {
    const parsed = parseC(parser, f.text);
    const fns = listFunctions(parsed.tree, parsed.text).map((fn) => ({ name: fn.name, start: fn.range.start.line, end: fn.range.end.line }));
    parsed.tree.delete();
    const lines = f.text.split('\n');
    for (const fn of fns) {
      const snippet: SourceFile = { uri: f.uri, text: lines.slice(fn.start, fn.end + 1).join('\n') };
      timed.push({ name: `${fn.name} (${f.uri}:${fn.start + 1})`, snippet, ms: analyse(snippet).ms });
    }
  }
  timed.sort((a, b) => b.ms - a.ms);
  let worst = { name: '-', ms: 0, parseMs: 0 };
  for (const t of timed.slice(0, 5)) {
    const runs = Array.from({ length: 6 }, () => analyse(t.snippet)).slice(1);
    const ms = median(runs.map((r) => r.ms));
    if (ms > worst.ms) worst = { name: t.name, ms, parseMs: median(runs.map((r) => r.parseMs)) };
  }
  return { ...worst, count: timed.length };
}

interface BothPhases {
  ms: number;
  parseMs: number;
  findings: number;
  visits: number;
}

/** The engine's work on one file (each function analysed and checked once), timed apart from parsing it. */
function bothPhases(parser: Parser, file: SourceFile, options: AnalysisOptions): BothPhases {
  const t0 = performance.now();
  const prepared = prepareFile(parser, file);
  const t1 = performance.now();
  try {
    const index = indexKnowledge(options.knowledge);
    let findings = 0;
    let visits = 0;
    for (const e of prepared.fns) {
      const a = analyzeEntry(prepared, e, index, summaryTable(), [], options);
      for (const rule of FUNCTION_RULES) findings += rule.check({ uri: file.uri, analysis: a }).length;
      visits += a.visits;
    }
    return { ms: performance.now() - t1, parseMs: t1 - t0, findings, visits };
  } finally {
    disposePrepared(prepared);
  }
}

/** One file holding one large function: median of `runs` after a warm-up. */
function largeFunction(parser: Parser, file: SourceFile, options: AnalysisOptions, runs: number): BothPhases & { lines: number } {
  bothPhases(parser, file, options);
  const all = Array.from({ length: runs }, () => bothPhases(parser, file, options));
  return { lines: countLines([file]), ms: median(all.map((x) => x.ms)), parseMs: median(all.map((x) => x.parseMs)), findings: all[0]!.findings, visits: all[0]!.visits };
}

interface CorpusReport {
  name: string;
  files: number;
  lines: number;
  parseMs: number;
  fullMs: number;
  /** The first pass of each in this thread (cold JIT and wasm tiers), reported beside the steady medians. */
  coldParseMs: number;
  coldFullMs: number;
  findings: number;
  /** Findings in functions the generator did not mark as buggy (`gen_bug_N`); only for the generated corpus. */
  onCleanCode?: number;
  /** Deliberately buggy functions with at least one finding / all of them (generated corpus only). */
  bugsFound?: [number, number];
  /** Median over runs of (parse+analysis − parse-only) ÷ parse-only, each run's pair timed back to back; and its range. */
  ratio: number;
  ratioSpread: [number, number];
  summarizeMs: number;
  engineParseMs: number;
  engineAnalysisMs: number;
  worst: { name: string; ms: number; parseMs: number; count: number };
}

function bugStats(files: readonly SourceFile[], findings: readonly Finding[]): Pick<CorpusReport, 'onCleanCode' | 'bugsFound'> {
  const buggy = new Set(files.flatMap((f) => [...f.text.matchAll(/\b(gen_bug_\d+)\(/g)].map((m) => m[1]!)));
  const hit = new Set(findings.map((f) => f.functionName).filter((n) => buggy.has(n)));
  return { onCleanCode: findings.filter((f) => !buggy.has(f.functionName)).length, bugsFound: [hit.size, buggy.size] };
}

function measure(parser: Parser, name: string, files: readonly SourceFile[], runs: number, warmUps: number): CorpusReport {
  const options: AnalysisOptions = { knowledge: builtinKnowledge() };
  const lines = countLines(files);
  process.stderr.write(`bench: ${name}: ${files.length} files, ${lines} lines: parse-only and parse+analysis ×${runs} after ${warmUps} warm-ups, interleaved...\n`);
  let last: Pipeline | undefined;
  const timed = timeInterleaved(runs, warmUps, () => parseOnly(parser, files), () => {
    last = pipeline(parser, files, options);
  });
  const { a: parseRuns, b: fullRuns } = timed;
  const parseMs = median(parseRuns);
  const fullMs = median(fullRuns);
  // Each run's pair was timed back to back, so its ratio shares that moment's machine speed.
  const ratio = median(parseRuns.map((p, i) => Math.max(0, fullRuns[i]! - p) / p));
  const ratioSpread: [number, number] = [Math.min(...parseRuns.map((p, i) => (fullRuns[i]! - p) / p)), Math.max(...parseRuns.map((p, i) => (fullRuns[i]! - p) / p))];
  if (process.env.BENCH_DEBUG) process.stderr.write(`parse ${parseRuns.map((x) => x.toFixed(0)).join(" ")}\nfull ${fullRuns.map((x) => x.toFixed(0)).join(" ")}\n`);
  process.stderr.write(`bench: ${name}: per-function pass...\n`);
  const worst = worstFunction(parser, files, options);
  return {
    name, files: files.length, lines, parseMs, fullMs, coldParseMs: timed.coldA, coldFullMs: timed.coldB, ratio, ratioSpread, findings: last!.findings.length,
    ...(files.some((f) => f.uri.startsWith('gen/')) ? bugStats(files, last!.findings) : {}),
    summarizeMs: last!.summarizeMs,
    engineParseMs: last!.results.reduce((n, r) => n + r.stats.parseMs, 0),
    engineAnalysisMs: last!.results.reduce((n, r) => n + r.stats.analysisMs, 0),
    worst,
  };
}

/** The first files of the generated corpus that add up to 40,000 lines (whole files, then one cut). */
function first40k(files: readonly SourceFile[]): SourceFile[] {
  const out: SourceFile[] = [];
  let n = 0;
  for (const f of files) {
    if (n >= 40_000) break;
    const lines = f.text.split('\n');
    const take = Math.min(lines.length - 1, 40_000 - n);
    // Cut only at a blank line (a function boundary) so no function is truncated.
    let cut = take;
    while (cut < lines.length - 1 && lines[cut - 1] !== '') cut++;
    out.push({ uri: f.uri, text: `${lines.slice(0, cut).join('\n')}\n` });
    n += cut;
  }
  return out;
}

function table(reports: CorpusReport[]): string {
  const rows = reports.map((r) => {
    return `| ${r.name} | ${r.files} | ${r.lines.toLocaleString('en-US')} | ${fmtMs(r.parseMs)} | ${fmtMs(r.fullMs)} | `
      + `${fmtRate(r.lines / (r.parseMs / 1000))} | ${fmtRate(r.lines / (r.fullMs / 1000))} | ${r.ratio.toFixed(2)} (${r.ratioSpread[0].toFixed(2)}–${r.ratioSpread[1].toFixed(2)}) | `
      + `${fmtMs(r.worst.ms)} ms in ${r.worst.name} (+ ${fmtMs(r.worst.parseMs)} ms parsing it; of ${r.worst.count}) | ${r.findings}${r.onCleanCode === undefined ? '' : ` (${r.onCleanCode} outside gen_bug_*)`} |`;
  });
  return [
    '| corpus | files | lines | parse-only ms | parse+analysis ms | lines/s parse | lines/s parse+analysis | analysis÷parse (range) | worst single function (analysis) | findings |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|',
    ...rows,
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const parser = await createCParser(grammar);
  try {
    const generated = generateDatapathCorpus({ lines: args.genLines });
    if (args.writeGen) {
      for (const f of generated) {
        const p = path.join(args.writeGen, f.uri);
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, f.text);
      }
    }
    // The generated corpus first: measured after SQLite, its runs would pay for collecting the
    // larger heap SQLite leaves behind, which a `lockstep check` of a datapath tree never sees.
    const reports: CorpusReport[] = [measure(parser, 'generated datapath', generated, args.runs, args.warmUps)];
    if (!args.skipReal) reports.unshift(measure(parser, 'SQLite amalgamation (real)', sqliteCorpus(path.join(root, '.bench-cache')), args.runs, args.warmUps));

    const slice = first40k(args.genLines >= 40_000 ? generated : generateDatapathCorpus({ lines: 40_000 }));
    const options: AnalysisOptions = { knowledge: builtinKnowledge() };
    const ms40k = median(timeRuns(args.runs, () => void pipeline(parser, slice, options)));
    // One huge lock-dense function at two sizes: a dispatch loop as long as the largest real
    // datapath functions, and a SQLite-interpreter-sized one (stress, beyond them).
    const large = [80, 400].map((cases) => largeFunction(parser, largeDispatchFunction(cases), options, args.runs));

    process.stdout.write(`\nLockstep benchmark — node ${process.version}, ${args.runs} runs per number (median; corpus times in CPU ms, parse-only and parse+analysis interleaved after ${args.warmUps} warm-ups), one worker thread (young generation ${ANALYSIS_YOUNG_GENERATION_MB} MB, as the CLI's)\n\n`);
    process.stdout.write(`${table(reports)}\n\n`);
    for (const r of reports) {
      process.stdout.write(`${r.name}: first pass in this thread (cold JIT and wasm tiers): parse-only ${fmtMs(r.coldParseMs)} ms, parse+analysis ${fmtMs(r.coldFullMs)} ms\n`);
      process.stdout.write(`${r.name}: last run's extra summary rounds: ${r.summarizeMs}; checks parse ${fmtMs(r.engineParseMs)} ms + analysis ${fmtMs(r.engineAnalysisMs)} ms (engine-reported)\n`);
      if (r.bugsFound) process.stdout.write(`${r.name}: deliberately buggy functions found ${r.bugsFound[0]}/${r.bugsFound[1]}; findings outside them ${r.onCleanCode}\n`);
    }
    process.stdout.write(`40k lines of datapath C (${countLines(slice).toLocaleString('en-US')} generated lines) on one core: ${fmtMs(ms40k)} ms (target < 1000 ms)\n`);
    for (const l of large) {
      process.stdout.write(`one ${l.lines.toLocaleString('en-US')}-line dispatch function (gen_execute_actions, correct code): analysis ${fmtMs(l.ms)} ms (+ ${fmtMs(l.parseMs)} ms parsing it), ${l.findings} findings, ${l.visits.toLocaleString('en-US')} path steps\n`);
    }
    const worst = Math.max(...reports.map((r) => r.worst.ms), large[0]!.ms);
    const ratio = Math.max(...reports.map((r) => r.ratio));
    process.stdout.write(`targets: analysis÷parse ≤ 1.5: ${ratio <= 1.5 ? 'met' : 'NOT met'} (worst ${ratio.toFixed(2)}); `
      + `40k lines < 1 s: ${ms40k < 1000 ? 'met' : 'NOT met'}; no function's analysis over 50 ms: ${worst <= 50 ? 'met' : 'NOT met'} (worst ${fmtMs(worst)} ms, corpora and the ${large[0]!.lines.toLocaleString('en-US')}-line function; the ${large[1]!.lines.toLocaleString('en-US')}-line one: ${fmtMs(large[1]!.ms)} ms)\n`);
  } finally {
    parser.delete();
  }
}

/**
 * The measurements run in a worker thread with the heap settings of the CLI's and the editor's
 * analysis workers (threadLimits.ts), so the numbers are the ones those threads get.
 */
if (require.main === module && isMainThread) {
  // Bundled (bench/bundle.mjs), the worker runs this same file; run through tsx, thread.mjs registers tsx first.
  const entry = __filename.endsWith('.ts') ? path.join(__dirname, 'thread.mjs') : __filename;
  const worker = new Worker(entry, {
    argv: process.argv.slice(2),
    workerData: { benchThread: true },
    resourceLimits: { maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB },
  });
  worker.on('error', (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
} else if (!isMainThread && (workerData as { benchThread?: boolean } | null)?.benchThread) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
