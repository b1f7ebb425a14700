/**
 * `node --import tsx bench/linearity.ts [--runs N] [--sizes 100,500,...]`
 *
 * Analysis time per function against its size: one generated function of 100 … 20,000 lines
 * (lock/unlock pairs in branches, gotos to an error label, loops, a nested lock, error codes) is
 * analysed alone with the whole engine (`analyzeSet`, built-in knowledge); each time is the median
 * of N runs (default 5) after a warm-up. The table shows µs per line: flat means linear growth.
 */
import type { Parser } from 'web-tree-sitter';
import { analyzeFiles as analyzeSet } from '../src/core/project';
import { builtinKnowledge } from '../src/core/apis/builtin';
import { testParser } from '../test/helpers/grammar';
import { fmtMs, median, timeRuns } from './timing';

/** One function of about `lines` lines; same size → same text. */
export function generateFunction(lines: number): string {
  const head = [
    'struct dev { int lock; int mu; int stats; int ref; };',
    'int big_fn(struct dev *d, int x)',
    '{',
    '  int err = 0;',
    '  spin_lock(&d->lock);',
  ];
  const body: string[] = [];
  for (let i = 0; body.length < lines - head.length - 5; i++) {
    switch (i % 5) {
      case 0:
        body.push(`  if (x == ${i}) {`, `    err = -${i};`, '    goto out;', '  }');
        break;
      case 1:
        body.push(`  if (x > ${i}) {`, '    spin_unlock(&d->lock);', `    x += ${i};`, '    spin_lock(&d->lock);', '  } else {', '    x--;', '  }');
        break;
      case 2:
        body.push('  mutex_lock(&d->mu);', `  d->stats += ${i};`, '  mutex_unlock(&d->mu);');
        break;
      case 3:
        body.push(`  while (x > ${i}) {`, '    x -= 2;', '    if (x == 3)', '      break;', '  }');
        break;
      default:
        body.push(`  int v${i} = x * ${i};`, `  if (v${i} < 0)`, `    err = v${i};`);
    }
  }
  return [...head, ...body, 'out:', '  spin_unlock(&d->lock);', '  return err;', '}', ''].join('\n');
}

interface Row {
  lines: number;
  ms: number;
  usPerLine: number;
  findings: number;
}

function measure(parser: Parser, lines: number, runs: number): Row {
  const text = generateFunction(lines);
  const knowledge = builtinKnowledge();
  let findings = 0;
  const times = timeRuns(runs, () => {
    findings = analyzeSet(parser, [{ uri: 'file:///bench/big.c', text }], { knowledge }).findings.length;
  });
  const ms = median(times);
  const actual = text.split('\n').length - 1;
  return { lines: actual, ms, usPerLine: (ms * 1000) / actual, findings };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let runs = 5;
  let sizes = [100, 500, 1000, 2000, 5000, 10_000, 20_000];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = Number(argv[++i]);
    else if (argv[i] === '--sizes') sizes = (argv[++i] ?? '').split(',').map(Number);
    else throw new Error(`linearity: unknown argument ${argv[i]}`);
  }
  const parser = await testParser();
  try {
    const rows: Row[] = [];
    process.stdout.write(`analysis time of one generated function, median of ${runs} runs (node ${process.version})\n\n`);
    process.stdout.write('| lines | time (ms) | µs per line | × time vs previous | × lines vs previous | findings |\n|---:|---:|---:|---:|---:|---:|\n');
    for (const size of sizes) {
      const r = measure(parser, size, runs);
      const prev = rows[rows.length - 1];
      rows.push(r);
      const tx = prev ? (r.ms / prev.ms).toFixed(2) : '';
      const lx = prev ? (r.lines / prev.lines).toFixed(2) : '';
      process.stdout.write(`| ${r.lines} | ${fmtMs(r.ms)} | ${r.usPerLine.toFixed(1)} | ${tx} | ${lx} | ${r.findings} |\n`);
    }
    // Linear means µs per line does not grow with size; small sizes are dominated by fixed costs,
    // so compare the largest function against the 1,000-line one.
    const base = rows.find((r) => r.lines >= 1000) ?? rows[0]!;
    const last = rows[rows.length - 1]!;
    const growth = last.usPerLine / base.usPerLine;
    process.stdout.write(`\nµs per line at ${last.lines} lines ÷ at ${base.lines} lines: ${growth.toFixed(2)} (${growth <= 1.5 ? 'linear' : 'SUPERLINEAR'})\n`);
  } finally {
    parser.delete();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
