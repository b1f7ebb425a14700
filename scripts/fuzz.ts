/**
 * `npm run fuzz -- --target <c|patch|schedule|config|all> --runs N --seed S [--time-limit-ms T]
 *                  [--full-size-chance P] [--max-input-bytes B] [--time-budget-s S] [--no-save] [--help]`
 *
 * Feeds mutated fixtures and generated hostile inputs to the C analysis, the patch review, the
 * schedule replay and the config loader, each input in a worker thread under a time limit.
 * Crashes, hangs and memory blow-ups are minimised and saved under test/fuzz/regressions/<target>/.
 * Exit code 1 when any was found. See docs/robustness.md.
 */
import { runFuzz, type FuzzSummary } from '../test/fuzz/lib/harness';
import { REGRESSIONS_DIR } from '../test/fuzz/lib/regressions';
import { isTarget, TARGETS, type TargetName } from '../test/fuzz/lib/targets';

const USAGE = `Usage: npm run fuzz -- [options]

Feeds mutated fixtures and generated hostile inputs to the C analysis, the patch review, the
schedule replay and the config loader, each input in a worker process under a time limit; crashes,
hangs and memory blow-ups are minimised and saved under test/fuzz/regressions/<target>/.

  --target c|patch|schedule|config|all   what to fuzz (default all)
  --runs N                  inputs per target (default 1000)
  --seed S                  PRNG seed; the same seed gives the same inputs (default 1)
  --time-limit-ms T         per-input limit before an input counts as a hang (default 10000)
  --full-size-chance P      chance of the full hostile sizes (10,000-deep nesting, 1 MB lines, ...) (default 0.002)
  --max-input-bytes B       skip inputs larger than this
  --time-budget-s S         stop each target after this long (the summary says so)
  --no-save                 do not write failures to test/fuzz/regressions/
  -h, --help                this text

Exit codes: 0 nothing found, 1 a crash, hang or memory failure, 2 usage error. See docs/robustness.md.
`;

interface Args {
  targets: TargetName[];
  runs: number;
  seed: number;
  limitMs: number;
  fullSizeChance: number;
  timeBudgetMs?: number;
  maxInputBytes?: number;
  save: boolean;
}

function num(flag: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number >= ${min}`);
  return n;
}

function parseArgs(argv: string[]): Args | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const a: Args = { targets: [...TARGETS], runs: 1000, seed: 1, limitMs: 10_000, fullSizeChance: 0.002, save: true };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    if (f === '--target') {
      const t = argv[++i] ?? '';
      if (t === 'all') a.targets = [...TARGETS];
      else if (isTarget(t)) a.targets = [t];
      else throw new Error(`--target is one of ${TARGETS.join(', ')}, all`);
    } else if (f === '--runs') a.runs = Math.floor(num(f, argv[++i], 1));
    else if (f === '--seed') a.seed = Math.floor(num(f, argv[++i], 0));
    else if (f === '--time-limit-ms') a.limitMs = num(f, argv[++i], 1);
    else if (f === '--full-size-chance') a.fullSizeChance = num(f, argv[++i], 0);
    else if (f === '--time-budget-s') a.timeBudgetMs = num(f, argv[++i], 1) * 1000;
    else if (f === '--max-input-bytes') a.maxInputBytes = num(f, argv[++i], 1);
    else if (f === '--no-save') a.save = false;
    else throw new Error(`unknown argument ${f ?? ''} (try npm run fuzz -- --help)`);
  }
  return a;
}

const mb = (b: number | undefined): string => (b === undefined ? 'n/a' : `${(b / 1048576).toFixed(0)} MB`);

function report(s: FuzzSummary): string {
  const lines = [
    `target ${s.target} (seed ${s.seed}): ${s.inputs} inputs in ${(s.elapsedMs / 1000).toFixed(0)} s${s.stoppedEarly ? ' (time budget reached)' : ''}`,
    `  ok ${s.ok}, refused with a documented error ${s.refused}, crashes ${s.crashes}, hangs ${s.hangs}, memory ${s.memory}`,
    `  slowest finished input ${s.slowest.ms.toFixed(0)} ms (${s.slowest.kind}, ${s.slowest.bytes} bytes)`,
    `  peak RSS ${mb(s.peakRssBytes)}, peak wasm heap ${mb(s.peakWasmBytes)}, worker restarts ${s.restarts}`,
  ];
  for (const f of s.failures) lines.push(`  ${f.outcome} x${f.count}: ${f.signature} — first #${f.index} (${f.kind}): ${f.detail.slice(0, 160)}${f.savedAs ? ` [saved ${f.savedAs}]` : ''}`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  let a: Args;
  try {
    const parsed = parseArgs(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    a = parsed;
  } catch (e) {
    process.stderr.write(`fuzz: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const summaries: FuzzSummary[] = [];
  for (const target of a.targets) {
    process.stdout.write(`fuzzing ${target}: ${a.runs} inputs, seed ${a.seed}, limit ${a.limitMs} ms per input\n`);
    const s = await runFuzz({
      target, runs: a.runs, seed: a.seed, limitMs: a.limitMs, fullSizeChance: a.fullSizeChance,
      ...(a.save ? { saveDir: REGRESSIONS_DIR } : {}),
      ...(a.timeBudgetMs !== undefined ? { timeBudgetMs: a.timeBudgetMs } : {}),
      ...(a.maxInputBytes !== undefined ? { maxInputBytes: a.maxInputBytes } : {}),
      maxRssBytes: 4 * 1024 ** 3, maxWasmBytes: 2 * 1024 ** 3,
      log: (l) => process.stdout.write(`${l}\n`),
    });
    summaries.push(s);
    process.stdout.write(`${report(s)}\n`);
  }
  process.stdout.write('\nsummary\n');
  process.stdout.write('| target | inputs | crashes | hangs | memory | slowest finished input | peak RSS | peak wasm heap |\n|---|---|---|---|---|---|---|---|\n');
  for (const s of summaries) {
    process.stdout.write(`| ${s.target} | ${s.inputs} | ${s.crashes} | ${s.hangs} | ${s.memory} | ${s.slowest.ms.toFixed(0)} ms (${s.slowest.kind}) | ${mb(s.peakRssBytes)} | ${mb(s.peakWasmBytes)} |\n`);
  }
  return summaries.some((s) => s.crashes + s.hangs + s.memory > 0) ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  process.stderr.write(`fuzz: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
