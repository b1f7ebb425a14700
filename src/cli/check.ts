import { collectCFiles, InputError, readCSource } from '../core/input';
import { createCParser, distGrammarLocation } from '../core/c/treeSitter';
import { parseC } from '../core/c/parse';
import { listFunctions } from '../core/c/functions';

export interface CliHost {
  distDir: string;
}

export async function runCheck(args: string[], host: CliHost): Promise<number> {
  const paths = args.filter((a) => !a.startsWith('-'));
  if (paths.length === 0) {
    process.stderr.write('lockstep check: no files given (try lockstep check <files|dirs...>)\n');
    return 2;
  }
  let files: string[];
  try {
    files = collectCFiles(paths);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`lockstep: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const parser = await createCParser(distGrammarLocation(host.distDir));
  let inputErrors = 0;
  try {
    for (const file of files) {
      let text: string;
      try {
        text = readCSource(file);
      } catch (e) {
        if (e instanceof InputError) {
          process.stderr.write(`lockstep: ${e.message}\n`);
          inputErrors++;
          continue;
        }
        throw e;
      }
      const parsed = parseC(parser, text);
      try {
        for (const fn of listFunctions(parsed.tree)) {
          process.stdout.write(`${file}:${fn.range.start.line + 1}: ${fn.name}\n`);
        }
      } finally {
        parsed.tree.delete();
      }
    }
  } finally {
    parser.delete();
  }
  return inputErrors > 0 ? 2 : 0;
}
