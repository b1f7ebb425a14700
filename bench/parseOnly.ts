import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCParser, distGrammarLocation } from '../src/core/c/treeSitter';
import { parseC } from '../src/core/c/parse';
import { collectCFiles } from '../src/core/input/collect';
import { decodeCSource } from '../src/core/input/decode';

/**
 * The parse-only pass `bench/trees.ts` pairs with `lockstep check`: the same files collected the
 * same way, read, decoded, annotations blanked and parsed once with the wasm the CLI ships, each
 * tree freed, nothing else. Its process CPU time is the yardstick of issue 15's speed criterion.
 */
async function main(): Promise<void> {
  const dist = path.resolve(__dirname, '..', 'dist');
  const parser = await createCParser(distGrammarLocation(dist));
  const { files } = collectCFiles(process.argv.slice(2));
  let lines = 0;
  for (const f of files) {
    const text = decodeCSource(fs.readFileSync(f), f);
    const parsed = parseC(parser, text);
    lines += parsed.tree.rootNode.endPosition.row + 1;
    parsed.tree.delete();
  }
  parser.delete();
  process.stdout.write(`${files.length} files, ${lines} lines\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`parse-only: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
