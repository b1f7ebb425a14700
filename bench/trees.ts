import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { median } from './timing';

/**
 * Issue 15's speed criterion on real trees: whole-process CPU time of `lockstep check <tree>
 * --jobs 1` against a parse-only pass over the same files with the same wasm (bench/parseOnly.ts),
 * paired and alternated in one run so load drifts hit both alike. Usage:
 *   node bench/bundle.mjs && node --import tsx bench/trees.ts [--runs N] DIR...
 * (DIRs: e.g. the trees precision.mjs checks out under .corpus-out/ or ../corpus-out/trees/.)
 */
const root = path.resolve(__dirname, '..');
const probe = path.join(__dirname, 'cpuAtExit.cjs');

function cpuOf(args: string[]): { ms: number; out: string } {
  const r = spawnSync(process.execPath, ['--require', probe, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const m = /LOCKSTEP_BENCH_CPU ([\d.]+)/.exec(r.stderr ?? '');
  if (!m || (r.status !== 0 && r.status !== 1)) throw new Error(`bench: ${args.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(0, 400)}`);
  return { ms: Number(m[1]), out: r.stdout };
}

function main(): void {
  const argv = process.argv.slice(2);
  let runs = 3;
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = Number(argv[++i]);
    else dirs.push(argv[i]!);
  }
  if (dirs.length === 0 || !Number.isInteger(runs) || runs < 1) throw new Error('usage: bench/trees.ts [--runs N] DIR...');
  const parseOnly = path.join(root, '.bench-cache', 'parseOnly.js');
  if (!fs.existsSync(parseOnly)) throw new Error('bench: run `node bench/bundle.mjs` first (it bundles bench/parseOnly.ts)');
  process.stdout.write('| tree | files, lines | parse-only CPU | check CPU | check ÷ parse-only (range) |\n|---|---|---:|---:|---:|\n');
  for (const dir of dirs) {
    const parse: number[] = [];
    const check: number[] = [];
    let shape = '';
    for (let i = 0; i < runs; i++) {
      const p = cpuOf([parseOnly, dir]);
      shape = p.out.trim();
      parse.push(p.ms);
      check.push(cpuOf([path.join(root, 'dist', 'cli.js'), 'check', dir, '--jobs', '1', '--fail-on', 'none', '--format', 'json']).ms);
    }
    const ratios = check.map((c, i) => c / parse[i]!);
    const range = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
    process.stdout.write(`| ${path.basename(dir)} | ${shape} | ${(median(parse) / 1000).toFixed(1)} s | ${(median(check) / 1000).toFixed(1)} s | **${median(ratios).toFixed(2)}** (${range}) |\n`);
  }
}

main();
