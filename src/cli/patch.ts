import * as path from 'node:path';
import { builtinKnowledge } from '../core/apis/builtin';
import { ConfigError, findProjectConfig, loadProjectConfig, mergeKnowledge, type ProjectConfig } from '../core/apis/config';
import type { ApiKnowledge } from '../core/apis/types';
import { createCParser, distGrammarLocation } from '../core/c/treeSitter';
import type { Severity } from '../core/findings';
import { InputError, readBoundedFile } from '../core/input';
import { directoryBase, gitRevisionBase, type BaseProvider } from '../core/patch/baseTree';
import { engineAnalyzer } from '../core/patch/engineAnalyzer';
import { formatReviewText } from '../core/patch/formatReviewText';
import { reviewToJson } from '../core/patch/formatReviewJson';
import { parsePatchDocument } from '../core/patch/parsePatchDocument';
import { reviewDocument } from '../core/patch/reviewPatch';
import { reviewToSarif } from '../core/patch/reviewSarif';
import type { PatchReview } from '../core/patch/reviewTypes';
import { PatchParseError } from '../core/patch/types';
import { writeJson } from '../core/report/jsonStream';
import type { FailOn } from './args';
import type { CliHost } from './check';
import { oneOf, scanArgs, type OptionTable } from './options';
import { fileSink, type OutputSink } from './output';
import { macroOption, resolveMacros, type MacroSetting } from './macros';
import { reviewWithRuleSettings } from './ruleSettings';
import { errorLine, UsageError, usageLine } from './usage';

const HELP = `Usage: lockstep patch <file.patch|file.diff|file.eml|file.mbox|-> [options]

Applies a patch, a git format-patch mail (.eml) or an mbox series in memory to a base tree and
reports the lock and refcount findings each patch introduces, fixes, or leaves on lines it touches.

  -                       read the patch from standard input
  --base-dir DIR          base tree directory (default: the current directory); with --base, the git repository
  --base REV              read base files with 'git show REV:path' instead of from the directory
  -c, --config FILE       project config (default: lockstep.json in the base directory or a parent)
  -D NAME[=VALUE], -U NAME
                          take a macro as defined (1 unless given) or undefined in #if / #ifdef, after
                          lockstep.json "defines" (a later setting wins); every other macro is undefined
  -f, --format FMT        text (default), json or sarif (introduced findings only)
  -o, --output FILE       write the report to FILE instead of standard output
  --fail-on error|warning|note|none
                          lowest severity of an introduced finding that makes the exit code 1 (default warning)
  --allow-unapplied       review what applies even when a hunk does not (otherwise that is exit 2)

Exit codes: 0 nothing introduced at or above --fail-on, 1 a patch introduces such a finding,
2 usage or input error (a hunk that does not apply included, unless --allow-unapplied).
`;

/** Patches larger than this are refused (a whole mbox of a big series is a few MB). */
const MAX_PATCH_BYTES = 64 * 1024 * 1024;

const RANK: Record<Severity, number> = { note: 1, warning: 2, error: 3 };
const FAIL_RANK: Record<FailOn, number> = { note: 1, warning: 2, error: 3, none: Infinity };

interface PatchArgs {
  input: string;
  baseDir: string;
  baseRev?: string;
  config?: string;
  format: 'text' | 'json' | 'sarif';
  output?: string;
  failOn: FailOn;
  allowUnapplied: boolean;
  /** `-D` / `-U` in command-line order (after lockstep.json "defines"). */
  macros: MacroSetting[];
}

const TABLE: OptionTable = {
  valued: new Set(['--base-dir', '--base', '--config', '-c', '--format', '-f', '--output', '-o', '--fail-on', '-D', '-U']),
  flags: new Set(['--allow-unapplied', '--help', '-h']),
};

/** Throws UsageError. */
function parseArgs(args: string[]): PatchArgs {
  const inputs: string[] = [];
  const out: Omit<PatchArgs, 'input'> = { baseDir: process.cwd(), format: 'text', failOn: 'warning', allowUnapplied: false, macros: [] };
  for (const t of scanArgs(args, TABLE)) {
    if (t.kind === 'input') {
      inputs.push(t.value);
      continue;
    }
    const v = t.value ?? '';
    switch (t.name) {
      case '--base-dir': out.baseDir = v; break;
      case '--base': out.baseRev = v; break;
      case '--config': case '-c': out.config = v; break;
      case '--format': case '-f': out.format = oneOf('--format', v, ['text', 'json', 'sarif'] as const); break;
      case '--output': case '-o': out.output = v; break;
      case '--fail-on': out.failOn = oneOf('--fail-on', v, ['error', 'warning', 'note', 'none'] as const); break;
      case '--allow-unapplied': out.allowUnapplied = true; break;
      case '-D': case '-U': out.macros.push(macroOption(t.name === '-D' ? '-D' : '-U', v)); break;
    }
  }
  if (inputs.length !== 1) throw new UsageError(inputs.length === 0 ? 'no patch given' : `one patch at a time (got ${inputs.length}); put a series in one mbox`);
  return { input: inputs[0]!, ...out };
}

async function readInput(input: string): Promise<Buffer> {
  if (input === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += b.length;
      if (size > MAX_PATCH_BYTES) throw new InputError(`standard input: over the ${MAX_PATCH_BYTES}-byte limit`);
      chunks.push(b);
    }
    return Buffer.concat(chunks);
  }
  return readBoundedFile(input, MAX_PATCH_BYTES);
}

function decodePatch(bytes: Buffer, name: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new InputError(`${name}: binary data (NUL byte at offset ${nul}), not a patch`);
  // Lenient on purpose: an 8-bit Latin-1 comment in a mail must not stop the review of its code.
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/** The macros both sides of the patch are analysed with: lockstep.json "defines", then -D / -U (as `check`). */
function definesOf(config: ProjectConfig | undefined, macros: readonly MacroSetting[]): Record<string, string> | undefined {
  const fromConfig: MacroSetting[] = Object.entries(config?.defines ?? {}).map(([name, value]) => ({ name, value: String(value), defined: true }));
  const all = resolveMacros(fromConfig, macros);
  return all.size > 0 ? Object.fromEntries(all) : undefined;
}

/** Where the command writes; tests pass their own so they never touch the process streams. */
export interface PatchOutput {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: PatchOutput = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

export async function runPatch(args: string[], host: CliHost, io: PatchOutput = processOutput): Promise<number> {
  let parsed: PatchArgs;
  try {
    if (args.includes('--help') || args.includes('-h')) {
      io.out(HELP);
      return 0;
    }
    parsed = parseArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(usageLine('patch', e.message));
    return 2;
  }
  const source = parsed.input === '-' ? '<stdin>' : parsed.input;
  // The same API knowledge as `lockstep check`: lockstep.json of the base tree, or --config.
  let knowledge: ApiKnowledge;
  let config: ProjectConfig | undefined;
  try {
    const file = parsed.config ?? findProjectConfig([parsed.baseDir]);
    config = file === undefined ? undefined : loadProjectConfig(file);
    knowledge = config ? mergeKnowledge(builtinKnowledge(), config) : builtinKnowledge();
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(errorLine('patch', `config error: ${e.message}`));
      return 2;
    }
    throw e;
  }
  let base: BaseProvider;
  let document;
  try {
    const text = decodePatch(await readInput(parsed.input), source);
    document = parsePatchDocument(text);
    base = parsed.baseRev !== undefined ? gitRevisionBase(parsed.baseRev, parsed.baseDir) : directoryBase(parsed.baseDir);
  } catch (e) {
    if (e instanceof PatchParseError) {
      io.err(errorLine('patch', `${source}:${e.line + 1}: ${e.detail}`));
      return 2;
    }
    if (e instanceof InputError) {
      io.err(errorLine('patch', e.message));
      return 2;
    }
    throw e;
  }
  const parser = await createCParser(distGrammarLocation(host.distDir));
  let review: PatchReview;
  try {
    try {
      review = reviewDocument(document, base, { analyze: engineAnalyzer(parser, knowledge, definesOf(config, parsed.macros)) });
    } catch (e) {
      if (e instanceof InputError) {
        io.err(errorLine('patch', e.message));
        return 2;
      }
      throw e;
    }
  } finally {
    parser.delete();
  }
  review = reviewWithRuleSettings(review, config?.rules);
  let sink: OutputSink | undefined;
  if (parsed.output !== undefined) {
    try {
      sink = fileSink(parsed.output);
    } catch (e) {
      io.err(errorLine('patch', `-o ${parsed.output}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`));
      return 2;
    }
  }
  const write = sink ? (c: string): void => sink.write(c) : (c: string): void => io.out(c);
  if (parsed.format === 'json') writeJson(reviewToJson(review, source), write);
  else if (parsed.format === 'sarif') {
    writeJson(reviewToSarif(review, {
      cwd: path.resolve(parsed.baseDir),
      ...(parsed.input === '-' ? {} : { patchFile: path.resolve(parsed.input) }),
    }), write);
  } else write(formatReviewText(review, source));
  sink?.close();
  if (review.totals.failedHunks > 0 && !parsed.allowUnapplied) {
    const n = review.totals.failedHunks;
    io.err(errorLine('patch', `${n} hunk${n === 1 ? '' : 's'} did not apply to ${review.baseDescription}; the review is incomplete (--allow-unapplied reviews the rest)`));
    return 2;
  }
  const threshold = FAIL_RANK[parsed.failOn];
  return review.patches.some((p) => p.introduced.some((r) => RANK[r.finding.severity] >= threshold)) ? 1 : 0;
}
