import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AnalysisOptions, SourceFile } from '../core/project';
import { builtinKnowledge } from '../core/apis/builtin';
import { ConfigError, findProjectConfig, loadProjectConfig, mergeKnowledge, type ProjectConfig } from '../core/apis/config';
import type { ApiKnowledge } from '../core/apis/types';
import { createCParser, distGrammarLocation } from '../core/c/treeSitter';
import { capFindings, MAX_FINDINGS_PER_FUNCTION } from '../core/findingCaps';
import type { Finding, Severity } from '../core/findings';
import { GlobSet, InputError } from '../core/input';
import { writeJsonReport, type ReportNote } from '../core/report/json';
import { displayPath } from '../core/report/location';
import { writeSarif } from '../core/report/sarif';
import { formatFinding, summaryLine } from '../core/report/text';
import { parseCheckArgs, type CheckArgs, type FailOn } from './args';
import { readBaseline, subtractBaseline, writeBaseline } from './baseline';
import { analyse, type CliHost, type RunResult } from './check';
import { readCheckInputs, type CheckInputs } from './checkInputs';
import { readCompileCommands, resolveMacros, type MacroSetting } from './macros';
import { palette, useColor } from './color';
import { ruleList } from './explain';
import { planFixes, type FileFix } from './fix';
import { fileSink, stdoutSink, type OutputSink } from './output';
import { Progress } from './progress';
import { applyRuleSettings } from './ruleSettings';
import { errorLine, UsageError, usageLine } from './usage';

const HELP = `Usage: lockstep check [options] <files|dirs...|->

Analyses C files (directories recurse into .c and .h) for lock and reference-count bugs.

Output:
  --format text|json|sarif   report format (default text)
  -o, --output FILE          write the report to FILE instead of standard output
  --color auto|always|never  colour the text report (default auto: a terminal, unless NO_COLOR is set)
  -q, --quiet                report errors only; no summary or notes on stderr
  --stats                    print files, lines, parse and analysis time, findings to stderr
  --list-rules               list the rules (lockstep explain <rule> prints one's documentation)

Results:
  --fail-on error|warning|note|none
                             lowest severity that makes the exit code 1 (default warning)
  --max-warnings N           exit 1 when more than N warnings are reported
  --baseline FILE            hide the findings FILE lists (matched by rule, function and lock/object,
                             not by line); with --update-baseline, write the current findings to FILE
  --fix                      apply the mechanical fixes (insert the matching release or put before a
                             leaking exit, or retarget its goto) to the files; report what remains
  --fix-dry-run              print those fixes as a unified diff instead of writing them

Inputs:
  -                          read one file from standard input (name it with --stdin-filename)
  --stdin-filename NAME      the name standard input is reported under (and finds lockstep.json from)
  -c, --config FILE          project config (default: lockstep.json in the inputs' folder or a parent)
  -D NAME[=VALUE], -U NAME   take a macro as defined (1 unless given) or undefined in #if / #ifdef;
                             every other macro is undefined (after lockstep.json "defines")
  --compile-commands FILE    each file's -D / -U from a compilation database (compile_commands.json)
  -j, --jobs N               1 (default): analyse in this thread; 2 or more: in one worker thread
  --timeout-per-function S   CPU seconds one function's path search may take (default 5; 0: no limit);
                             a function that hits it gets an analysis-incomplete note

Exit codes: 0 clean, 1 findings at or above --fail-on (or over --max-warnings),
2 usage, config or input error.
`;

const RANK: Record<Severity, number> = { note: 1, warning: 2, error: 3 };
const FAIL_RANK: Record<FailOn, number> = { note: 1, warning: 2, error: 3, none: Infinity };

const err = (line: string): void => void process.stderr.write(line);

interface Loaded {
  file?: string;
  config?: ProjectConfig;
  knowledge: ApiKnowledge;
}

function loadConfig(args: CheckArgs): Loaded {
  const lookup = args.paths.includes('-') ? [args.stdinFilename ?? '.'] : args.paths;
  const file = args.config ?? findProjectConfig(lookup);
  if (file === undefined) return { knowledge: builtinKnowledge() };
  const config = loadProjectConfig(file);
  return { file, config, knowledge: mergeKnowledge(builtinKnowledge(), config) };
}

export async function runCheck(argv: string[], host: CliHost): Promise<number> {
  let args: CheckArgs;
  try {
    args = parseCheckArgs(argv);
    if (!args.help && !args.listRules && args.paths.length === 0) throw new UsageError('no files given');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(usageLine('check', e.message));
    return 2;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.listRules) {
    process.stdout.write(ruleList());
    return 0;
  }
  const started = performance.now();

  let loaded: Loaded;
  try {
    loaded = loadConfig(args);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(errorLine('check', `config error: ${e.message}`));
    return 2;
  }

  let baseline;
  try {
    baseline = args.baseline !== undefined && !args.updateBaseline ? readBaseline(args.baseline) : undefined;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    err(errorLine('check', e.message));
    return 2;
  }

  const exclude = loaded.config?.exclude?.length
    ? { root: path.dirname(path.resolve(loaded.file!)), globs: new GlobSet(loaded.config.exclude) }
    : undefined;
  const inputs = await readCheckInputs(args.paths, { ...(args.stdinFilename !== undefined ? { stdinFilename: args.stdinFilename } : {}), ...(exclude ? { exclude } : {}) });
  for (const e of inputs.errors) err(errorLine('check', e));
  const notes: ReportNote[] = inputs.notes.map((n) => ({ file: n.file, message: n.message }));
  if (inputs.sources.length === 0) {
    if (inputs.errors.length === 0) {
      for (const n of notes) err(errorLine('check', `${n.file}: ${n.message}`));
      err(errorLine('check', 'no C file to analyse among the inputs'));
    }
    return 2;
  }

  let defines: Pick<AnalysisOptions, 'defines' | 'definesByFile'>;
  try {
    defines = definesOf(loaded.config, args, inputs.sources.map((src) => src.uri), notes);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    err(errorLine('check', e.message));
    return 2;
  }
  const options: AnalysisOptions = { knowledge: loaded.knowledge, ...defines, ...(args.timeoutPerFunction > 0 ? { timeoutPerFunctionMs: args.timeoutPerFunction * 1000 } : {}) };
  let sources = inputs.sources;
  const lines = sources.reduce((n, s) => n + countLines(s.text), 0);
  const progress = new Progress(process.stderr, () => `lockstep: analysing ${sources.length} file${sources.length === 1 ? '' : 's'} (${lines.toLocaleString('en-US')} lines)…`, { enabled: process.stderr.isTTY === true && !args.quiet });
  let run: RunResult;
  try {
    run = await analyse(sources, options, host.distDir, args.jobs);
  } finally {
    progress.done();
  }
  let findings = applyRuleSettings(run.findings, loaded.config?.rules);

  let fixed: FileFix[] = [];
  if (args.fix || args.fixDryRun) {
    fixed = await planAllFixes(findings, inputs, loaded.knowledge, host.distDir);
    if (args.fixDryRun) {
      const out = args.output !== undefined ? openOutput(args.output) : stdoutSink();
      if (!out) return 2;
      for (const f of fixed) out.write(f.diff);
      out.close();
      if (!args.quiet) err(`lockstep: ${fixed.reduce((n, f) => n + f.fixed, 0)} fixes in ${fixed.length} file${fixed.length === 1 ? '' : 's'} (not applied: --fix-dry-run)\n`);
      return 0;
    }
    if (fixed.length > 0) {
      for (const f of fixed) {
        try {
          writeReplacing(f.file, f.bytes);
        } catch (e) {
          err(errorLine('check', `${f.file}: cannot write the fixes (${(e as NodeJS.ErrnoException).code ?? String(e)})`));
          return 2;
        }
      }
      const changed = new Map(fixed.map((f) => [f.file, f.text]));
      sources = sources.map((s): SourceFile => (changed.has(s.uri) ? { uri: s.uri, text: changed.get(s.uri)! } : s));
      run = await analyse(sources, options, host.distDir, args.jobs);
      findings = applyRuleSettings(run.findings, loaded.config?.rules);
    }
  }

  let known = 0;
  if (args.baseline !== undefined && args.updateBaseline) {
    try {
      writeBaseline(args.baseline, findings);
    } catch (e) {
      err(errorLine('check', `--baseline ${args.baseline}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`));
      return 2;
    }
    notes.push({ message: `wrote ${findings.length} finding${findings.length === 1 ? '' : 's'} to the baseline ${args.baseline}` });
    known = findings.length;
    findings = [];
  } else if (baseline !== undefined && args.baseline !== undefined) {
    ({ findings, known } = subtractBaseline(findings, baseline, args.baseline));
  }

  const warnings = findings.filter((f) => f.severity === 'warning').length;
  if (args.quiet) findings = findings.filter((f) => f.severity === 'error');
  const capped = capFindings(findings);
  const cwd = process.cwd();
  for (const h of capped.hidden) {
    notes.push({ file: h.uri, message: `${h.hidden} more finding${h.hidden === 1 ? '' : 's'} in ${h.functionName}() not shown (at most ${MAX_FINDINGS_PER_FUNCTION} per function)` });
  }

  const out = args.output !== undefined ? openOutput(args.output) : stdoutSink();
  if (!out) return 2;
  writeReport(out, args, capped.findings, sources.length, notes, cwd);
  out.close();

  if (!args.quiet) {
    for (const n of notes) err(`lockstep check: note: ${n.file !== undefined ? `${displayPath(n.file, cwd)}: ` : ''}${n.message}\n`);
    const extra = [
      ...(fixed.length > 0 ? [`fixed ${fixed.reduce((n, f) => n + f.fixed, 0)} in ${fixed.length} file${fixed.length === 1 ? '' : 's'}`] : []),
      ...(known > 0 && !args.updateBaseline ? [`${known} known from the baseline not shown`] : []),
    ];
    if (args.format === 'text') err(`lockstep: ${summaryLine(findings, sources.length)}${extra.length ? ` (${extra.join('; ')})` : ''}\n`);
  }
  if (args.stats) err(statsLine(run, performance.now() - started));

  if (inputs.errors.length > 0) return 2;
  const threshold = FAIL_RANK[args.failOn];
  if (findings.some((f) => RANK[f.severity] >= threshold)) return 1;
  if (args.maxWarnings !== undefined && warnings > args.maxWarnings) {
    if (!args.quiet) err(`lockstep: ${warnings} warnings, more than --max-warnings ${args.maxWarnings}\n`);
    return 1;
  }
  return 0;
}

/**
 * The macros each file is analysed with: lockstep.json `defines`, then the file's compile command
 * (--compile-commands), then -D / -U — a later setting of a name wins. Throws InputError.
 */
function definesOf(config: ProjectConfig | undefined, args: CheckArgs, uris: string[], notes: ReportNote[]): Pick<AnalysisOptions, 'defines' | 'definesByFile'> {
  const fromConfig: MacroSetting[] = Object.entries(config?.defines ?? {}).map(([name, value]) => ({ name, value: String(value), defined: true }));
  const all = Object.fromEntries(resolveMacros(fromConfig, args.macros));
  if (args.compileCommands === undefined) return Object.keys(all).length > 0 ? { defines: all } : {};
  const commands = readCompileCommands(args.compileCommands);
  const definesByFile: Record<string, Record<string, string>> = {};
  let missing = 0;
  for (const uri of uris) {
    const own = commands.get(path.resolve(uri));
    if (own === undefined) missing++;
    else definesByFile[uri] = Object.fromEntries(resolveMacros(fromConfig, own, args.macros));
  }
  if (missing > 0) notes.push({ message: `${missing} file${missing === 1 ? ' has' : 's have'} no entry in ${args.compileCommands}: analysed with lockstep.json's defines and -D / -U only` });
  return { defines: all, definesByFile };
}

/** The whole new content or none of it: written beside the file, then renamed over it (the link, if any, is followed). */
function writeReplacing(file: string, bytes: Buffer): void {
  const target = fs.realpathSync(file);
  const tmp = `${target}.lockstep-fix-${process.pid}`;
  try {
    fs.writeFileSync(tmp, bytes, { mode: fs.statSync(target).mode });
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function openOutput(file: string): OutputSink | undefined {
  try {
    return fileSink(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    err(errorLine('check', `-o ${file}: cannot write (${code ?? String(e)})`));
    return undefined;
  }
}

function writeReport(out: OutputSink, args: CheckArgs, findings: Finding[], files: number, notes: ReportNote[], cwd: string): void {
  switch (args.format) {
    case 'text': {
      const colour = useColor(args.color, args.output !== undefined ? {} : process.stdout);
      const style = palette(colour);
      for (const f of findings) out.write(formatFinding(f, { cwd, style }));
      break;
    }
    case 'json':
      writeJsonReport(findings, files, notes.map((n) => (n.file !== undefined ? { ...n, file: displayPath(n.file, cwd) } : n)), (c) => out.write(c));
      break;
    case 'sarif':
      writeSarif(findings, { cwd, notes }, (c) => out.write(c));
      break;
  }
}

async function planAllFixes(findings: Finding[], inputs: CheckInputs, knowledge: ApiKnowledge, distDir: string): Promise<FileFix[]> {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) byFile.set(f.uri, [...(byFile.get(f.uri) ?? []), f]);
  const parser = await createCParser(distGrammarLocation(distDir));
  try {
    const out: FileFix[] = [];
    for (const s of inputs.sources) {
      const list = byFile.get(s.uri);
      const decoded = inputs.decoded.get(s.uri);
      if (!list || !decoded) continue;
      const fix = planFixes(parser, s.uri, s.text, decoded, list, knowledge);
      if (fix) out.push(fix);
    }
    return out;
  } finally {
    parser.delete();
  }
}

function statsLine(run: RunResult, wallMs: number): string {
  const sum = (f: (r: RunResult['files'][number]) => number): number => run.files.reduce((n, r) => n + f(r), 0);
  const ms = (n: number): string => `${Math.round(n)} ms`;
  const s = run.stats;
  return `lockstep: stats: ${run.files.length} files, ${sum((r) => r.stats.lines)} lines, ${sum((r) => r.stats.functions)} functions, `
    + `parse ${ms(s.parseMs)} (${s.parsed} parses), analysis ${ms(s.analysisMs)} (${s.analysed} functions analysed, ${s.skipped} skipped, ${s.reused} reused), `
    + `summary rounds ${ms(s.summaryRounds.ms)} (${s.rounds} extra rounds: ${s.summaryRounds.parsed} parses, ${s.summaryRounds.analysed} functions analysed again; part of the above), `
    + `${run.findings.length} findings, wall ${ms(wallMs)}, ${run.workers === 0 ? 'in-process' : 'in a worker thread'}\n`;
}
