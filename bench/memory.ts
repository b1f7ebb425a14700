/**
 * `node --import tsx bench/memory.ts [--cycles N] [--lines L] [--every K]`
 *
 * Memory over many incremental reparses, as the editor does while you type: a generated
 * 5,000-line datapath file is edited (alternately inserting and removing a statement at a random
 * line), each edit applied with `tree.edit` and reparsed with `parser.parse(text, oldTree)`, and
 * the old tree deleted. Prints process RSS, the JS heap and the wasm heap (web-tree-sitter's
 * `HEAPU8.length`, read through the module options object) at the start and every K cycles.
 */
import { Edit, type Point, type Tree } from 'web-tree-sitter';
import { testParser } from '../test/helpers/grammar';
import { initWasmWithProbe } from '../test/fuzz/lib/wasmMemory';
import { generateDatapathCorpus, prng } from './genDatapath';

const MB = 1024 * 1024;

function pointAt(text: string, index: number): Point {
  let row = 0;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    last = i;
  }
  return { row, column: index - last - 1 };
}

/** A single file of at least `lines` lines from the datapath generator. */
function fileOf(lines: number): string {
  return generateDatapathCorpus({ lines, linesPerFile: lines * 2, seed: 5 }).map((f) => f.text).join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let cycles = 10_000;
  let lines = 5_000;
  let every = 1_000;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--cycles') cycles = Number(argv[++i]);
    else if (argv[i] === '--lines') lines = Number(argv[++i]);
    else if (argv[i] === '--every') every = Number(argv[++i]);
    else throw new Error(`memory: unknown argument ${argv[i]}`);
  }
  const wasmBytes = await initWasmWithProbe();
  const parser = await testParser();
  let text = fileOf(lines);
  const lineStarts = (t: string): number[] => [0, ...[...t.matchAll(/\n/g)].map((m) => m.index + 1)];
  let tree: Tree = parser.parse(text)!;
  const rand = prng(11);
  const insert = '  stats_bump(d, 1);\n';
  let inserted: number | undefined;
  const sample = (cycle: number): string => {
    const m = process.memoryUsage();
    const w = wasmBytes();
    return `| ${cycle} | ${(m.rss / MB).toFixed(1)} | ${(m.heapUsed / MB).toFixed(1)} | ${w === undefined ? 'n/a' : (w / MB).toFixed(1)} | ${text.split('\n').length} |`;
  };
  process.stdout.write(`incremental reparse of a ${text.split('\n').length}-line file, ${cycles} edit cycles (node ${process.version})\n\n`);
  process.stdout.write('| cycle | RSS (MB) | JS heap used (MB) | wasm heap (MB) | lines |\n|---:|---:|---:|---:|---:|\n');
  process.stdout.write(`${sample(0)}\n`);
  const t0 = performance.now();
  for (let c = 1; c <= cycles; c++) {
    let edit: Edit;
    let next: string;
    if (inserted === undefined) {
      const starts = lineStarts(text);
      const at = starts[Math.floor(rand() * starts.length)]!;
      next = text.slice(0, at) + insert + text.slice(at);
      const start = pointAt(text, at);
      edit = new Edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + insert.length, startPosition: start, oldEndPosition: start, newEndPosition: { row: start.row + 1, column: 0 } });
      inserted = at;
    } else {
      const at = inserted;
      next = text.slice(0, at) + text.slice(at + insert.length);
      const start = pointAt(text, at);
      edit = new Edit({ startIndex: at, oldEndIndex: at + insert.length, newEndIndex: at, startPosition: start, oldEndPosition: { row: start.row + 1, column: 0 }, newEndPosition: start });
      inserted = undefined;
    }
    tree.edit(edit);
    const reparsed = parser.parse(next, tree);
    if (reparsed === null) throw new Error('tree-sitter returned no tree');
    tree.delete();
    tree = reparsed;
    text = next;
    if (c % every === 0) {
      if (c === cycles) global.gc?.();
      process.stdout.write(`${sample(c)}\n`);
    }
  }
  const ms = performance.now() - t0;
  process.stdout.write(`\n${cycles} cycles in ${(ms / 1000).toFixed(1)} s (${(ms / cycles).toFixed(2)} ms per edit + reparse)\n`);
  tree.delete();
  parser.delete();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
