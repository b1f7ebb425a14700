import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, findProjectConfig, knowledgeFromConfigFile } from '../core/apis/config';
import type { ApiKnowledge } from '../core/apis/types';
import { createCParser, distGrammarLocation } from '../core/c/treeSitter';
import { InputError } from '../core/input';
import { directoryBase, gitRevisionBase, type BaseProvider } from '../core/patch/baseTree';
import { engineAnalyzer } from '../core/patch/engineAnalyzer';
import { formatReviewText } from '../core/patch/formatReviewText';
import { reviewToJson } from '../core/patch/formatReviewJson';
import { parsePatchDocument } from '../core/patch/parsePatchDocument';
import { reviewDocument } from '../core/patch/reviewPatch';
import { ruleDocsBaseUri } from '../core/report/ruleCatalog';
import { reviewToSarif } from '../core/patch/reviewSarif';
import { PatchParseError } from '../core/patch/types';
import type { CliHost } from './check';

const HELP = `Usage: lockstep patch <file.patch|file.mbox|-> [--base-dir DIR] [--base REV] [--config FILE] [--format text|json|sarif]

Applies a patch, a git format-patch mail or an mbox series in memory to a base tree and reports the
lock and refcount findings each patch introduces, fixes, or leaves on lines it touches.

  -                 read the patch from standard input
  --base-dir DIR    base tree directory (default: the current directory); with --base, the git repository
  --base REV        read base files with 'git show REV:path' instead of from the directory
  --config FILE     project config (default: lockstep.json in the base directory or a parent)
  --format FMT      text (default), json or sarif (introduced findings only)

Exit codes: 0 nothing introduced, 1 a patch introduces a finding, 2 usage or input error.
`;

/** Patches larger than this are refused (a whole mbox of a big series is a few MB). */
const MAX_PATCH_BYTES = 64 * 1024 * 1024;

interface PatchArgs {
  input: string;
  baseDir: string;
  baseRev?: string;
  config?: string;
  format: 'text' | 'json' | 'sarif';
}

function parseArgs(args: string[]): PatchArgs | string {
  const inputs: string[] = [];
  let baseDir: string | undefined;
  let baseRev: string | undefined;
  let config: string | undefined;
  let format: PatchArgs['format'] = 'text';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string | undefined => (eq > 0 ? a.slice(eq + 1) : args[++i]);
    if (name === '--base-dir') {
      baseDir = value();
      if (!baseDir) return '--base-dir needs a directory';
    } else if (name === '--base') {
      baseRev = value();
      if (!baseRev) return '--base needs a git revision';
    } else if (name === '--config') {
      config = value();
      if (!config) return '--config needs a file';
    } else if (name === '--format') {
      const f = value();
      if (f !== 'text' && f !== 'json' && f !== 'sarif') return `--format must be text, json or sarif (got ${f ?? 'nothing'})`;
      format = f;
    } else if (a === '-' || !a.startsWith('-')) {
      inputs.push(a);
    } else {
      return `unknown option ${a}`;
    }
  }
  if (inputs.length !== 1) return inputs.length === 0 ? 'no patch given' : `one patch at a time (got ${inputs.length}); put a series in one mbox`;
  return {
    input: inputs[0]!, baseDir: baseDir ?? process.cwd(), format,
    ...(baseRev !== undefined ? { baseRev } : {}), ...(config !== undefined ? { config } : {}),
  };
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
  try {
    const st = fs.statSync(input);
    if (st.isDirectory()) throw new InputError(`${input}: is a directory, not a patch`);
    if (st.size > MAX_PATCH_BYTES) throw new InputError(`${input}: ${st.size} bytes, over the ${MAX_PATCH_BYTES}-byte limit`);
    return fs.readFileSync(input);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${input}: no such file` : `${input}: cannot read (${code ?? String(e)})`);
  }
}

function decodePatch(bytes: Buffer, name: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new InputError(`${name}: binary data (NUL byte at offset ${nul}), not a patch`);
  // Lenient on purpose: an 8-bit Latin-1 comment in a mail must not stop the review of its code.
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
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
  if (args.includes('--help') || args.includes('-h')) {
    io.out(HELP);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.err(`lockstep patch: ${parsed}\n${HELP}`);
    return 2;
  }
  const source = parsed.input === '-' ? '<stdin>' : parsed.input;
  // The same API knowledge as `lockstep check`: lockstep.json of the base tree, or --config.
  let knowledge: ApiKnowledge;
  try {
    knowledge = knowledgeFromConfigFile(parsed.config ?? findProjectConfig([parsed.baseDir]));
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`lockstep patch: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  let base: BaseProvider;
  let text: string;
  let document;
  try {
    text = decodePatch(await readInput(parsed.input), source);
    document = parsePatchDocument(text);
    base = parsed.baseRev !== undefined ? gitRevisionBase(parsed.baseRev, parsed.baseDir) : directoryBase(parsed.baseDir);
  } catch (e) {
    if (e instanceof PatchParseError) {
      io.err(`lockstep patch: ${source}:${e.line + 1}: ${e.detail}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      io.err(`lockstep patch: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const parser = await createCParser(distGrammarLocation(host.distDir));
  try {
    let review;
    try {
      review = reviewDocument(document, base, { analyze: engineAnalyzer(parser, knowledge) });
    } catch (e) {
      if (e instanceof InputError) {
        io.err(`lockstep patch: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    if (parsed.format === 'json') io.out(`${JSON.stringify(reviewToJson(review, source), null, 2)}\n`);
    else if (parsed.format === 'sarif') {
      const sarif = reviewToSarif(review, {
        cwd: path.resolve(parsed.baseDir),
        helpBaseUri: ruleDocsBaseUri(path.resolve(host.distDir, '..')),
        ...(parsed.input === '-' ? {} : { patchFile: path.resolve(parsed.input) }),
      });
      io.out(`${JSON.stringify(sarif, null, 2)}\n`);
    }
    else io.out(formatReviewText(review, source));
    return review.totals.introduced > 0 ? 1 : 0;
  } finally {
    parser.delete();
  }
}
