/** Command-line parsing for `lockstep check`: small and strict, so a typo is an error, not a file name. */
import * as os from 'node:os';
import { parseColorMode, type ColorMode } from './color';
import { macroOption, type MacroSetting } from './macros';
import { oneOf, scanArgs, wholeNumber, type OptionTable } from './options';
import { UsageError } from './usage';

export { UsageError } from './usage';

export type OutputFormat = 'text' | 'json' | 'sarif';
export type FailOn = 'error' | 'warning' | 'note' | 'none';

export interface CheckArgs {
  format: OutputFormat;
  config?: string;
  failOn: FailOn;
  stats: boolean;
  /** 2 or more: analyse in a worker thread; undefined or 1: in this thread. At most the cores. */
  jobs?: number;
  help: boolean;
  /** Report errors only; no summary line, no notes on stderr. */
  quiet: boolean;
  /** Exit 1 when more than this many warnings are reported (ESLint's --max-warnings). */
  maxWarnings?: number;
  /** Write the report to this file instead of standard output. */
  output?: string;
  listRules: boolean;
  /** Name of the file read from standard input (`-`), for messages, config lookup and rules. */
  stdinFilename?: string;
  /** Known findings: hidden when they are still there (compared by rule, function and lock/object). */
  baseline?: string;
  /** Write the current findings to --baseline instead of comparing. */
  updateBaseline: boolean;
  /** Apply the mechanical fixes to the files; with fixDryRun, print their diff instead. */
  fix: boolean;
  fixDryRun: boolean;
  color: ColorMode;
  /** CPU seconds one function's path search may take before it is reported incomplete; 0 = no limit. */
  timeoutPerFunction: number;
  /** `-D` / `-U` in command-line order (they come after lockstep.json and --compile-commands). */
  macros: MacroSetting[];
  /** compile_commands.json: each file's `-D` / `-U`. */
  compileCommands?: string;
  paths: string[];
}

/**
 * Default CPU seconds per function: real functions take milliseconds (the largest measured
 * datapath dispatch loop, 8,353 lines, ~60 ms; the fuzzer's 100,000-case switch ~2.5 s), so this
 * only stops pathological input, which then gets an analysis-incomplete note instead of a hang.
 */
export const DEFAULT_TIMEOUT_PER_FUNCTION_S = 5;

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'note', 'none'];

const TABLE: OptionTable = {
  valued: new Set([
    '--format', '-f', '--config', '-c', '--fail-on', '--jobs', '-j', '--max-warnings', '--output', '-o',
    '--stdin-filename', '--baseline', '--color', '--timeout-per-function', '-D', '-U', '--compile-commands',
  ]),
  flags: new Set(['--stats', '--help', '-h', '--quiet', '-q', '--list-rules', '--update-baseline', '--fix', '--fix-dry-run']),
};

/** Throws UsageError. */
export function parseCheckArgs(argv: readonly string[], cores = os.availableParallelism()): CheckArgs {
  const out: CheckArgs = {
    format: 'text', failOn: 'warning', stats: false, help: false, quiet: false, listRules: false,
    updateBaseline: false, fix: false, fixDryRun: false, color: 'auto', timeoutPerFunction: DEFAULT_TIMEOUT_PER_FUNCTION_S, macros: [], paths: [],
  };
  for (const t of scanArgs(argv, TABLE)) {
    if (t.kind === 'input') {
      out.paths.push(t.value);
      continue;
    }
    const v = t.value ?? '';
    switch (t.name) {
      case '--format': case '-f': out.format = oneOf('--format', v, FORMATS); break;
      case '--config': case '-c': out.config = v; break;
      case '--fail-on': out.failOn = oneOf('--fail-on', v, FAIL_ON); break;
      // More threads than cores only add memory (each holds a parser and its share of the trees).
      case '--jobs': case '-j': out.jobs = Math.min(wholeNumber('--jobs', v, 1, 256), Math.max(1, cores)); break;
      case '--max-warnings': out.maxWarnings = wholeNumber('--max-warnings', v, 0, Number.MAX_SAFE_INTEGER); break;
      case '--output': case '-o': out.output = v; break;
      case '--stdin-filename': out.stdinFilename = v; break;
      case '--baseline': out.baseline = v; break;
      case '--color': out.color = parseColorMode(v); break;
      case '--timeout-per-function': {
        const n = Number(v);
        if (!/^\d+(\.\d+)?$/.test(v) || n > 3600) throw new UsageError(`--timeout-per-function must be a number of seconds from 0 (no limit) to 3600 (got '${v}')`);
        out.timeoutPerFunction = n;
        break;
      }
      case '-D': case '-U': out.macros.push(macroOption(t.name === '-D' ? '-D' : '-U', v)); break;
      case '--compile-commands': out.compileCommands = v; break;
      case '--stats': out.stats = true; break;
      case '--help': case '-h': out.help = true; break;
      case '--quiet': case '-q': out.quiet = true; break;
      case '--list-rules': out.listRules = true; break;
      case '--update-baseline': out.updateBaseline = true; break;
      case '--fix': out.fix = true; break;
      case '--fix-dry-run': out.fixDryRun = true; break;
    }
  }
  if (out.updateBaseline && out.baseline === undefined) throw new UsageError('--update-baseline needs --baseline FILE');
  if (out.paths.includes('-') && out.paths.length > 1) throw new UsageError("'-' (standard input) cannot be mixed with files");
  if (out.stdinFilename !== undefined && !out.paths.includes('-')) throw new UsageError("--stdin-filename goes with '-' (standard input)");
  if (out.fix && out.paths.includes('-')) throw new UsageError("--fix cannot write to standard input; use --fix-dry-run to print the diff");
  return out;
}
