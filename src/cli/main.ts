import { setFlagsFromString } from 'node:v8';
import type * as CheckCommand from './checkCommand';
import type * as Explain from './explain';
import type * as PatchCommand from './patch';
import type * as SimulateCommand from './simulate';
import { oneLine } from './usage';
import { VERSION } from '../core/version';

const HELP = `lockstep ${VERSION} — lock and reference-count review for C datapaths

Usage:
  lockstep check [options] <files|dirs...>   analyse C files (directories recurse into .c/.h)
  lockstep simulate [options]                 model-check a refcount protocol (see simulate --help)
  lockstep patch [options] <file|->            what a patch or mbox series introduces (see patch --help)
  lockstep explain <rule>                     a rule's documentation (lockstep check --list-rules lists them)
  lockstep --version
  lockstep --help

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const distDir = __dirname;
  switch (cmd) {
    // Each command's code is initialised only when it runs (esbuild keeps a required module lazy):
    // `check` does not pay for the simulator's or the patch reviewer's start-up (~75 vs ~80–140 ms
    // to load the bundle on the shared 2-core machine).
    /* eslint-disable @typescript-eslint/no-require-imports */
    case 'check':
      return (require('./checkCommand') as typeof CheckCommand).runCheck(rest, { distDir });
    case 'simulate':
      return (require('./simulate') as typeof SimulateCommand).runSimulate(rest, { distDir });
    case 'patch':
      return (require('./patch') as typeof PatchCommand).runPatch(rest, { distDir });
    case 'explain':
      return (require('./explain') as typeof Explain).runExplain(rest, { distDir });
    /* eslint-enable @typescript-eslint/no-require-imports */
    default:
      process.stderr.write(`lockstep: unknown command '${oneLine(cmd, 80)}' (try lockstep --help)\n`);
      return 2;
  }
}

/** One line for a failure no command expected; the stack only when LOCKSTEP_DEBUG is set. */
function internalError(err: unknown): string {
  if (process.env.LOCKSTEP_DEBUG) return `lockstep: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return `lockstep: internal error: ${oneLine(what)} (run with LOCKSTEP_DEBUG=1 for details)\n`;
}

/** Exits once stdout and stderr have taken everything written to them, not when idle threads finish. */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

if (require.main === module) {
  // Baseline-compiled wasm only. With V8's default tiering, the hot parser functions are recompiled
  // by TurboFan on background threads, and the process cannot exit before those compiles end: that
  // added 0.5–0.9 s after the last output of every short run. Measured: a 200-line file 1.2 → 0.6 s
  // wall on a loaded 2-core machine, the same CPU time for 250,000 lines (docs/benchmarks.md).
  setFlagsFromString('--liftoff-only');
  // JavaScript tiering for a run that ends: by default TurboFan optimises (and, on polymorphic
  // analysis objects, deoptimises and re-optimises) hundreds of functions with deep inlining, on
  // background threads, and that cost more CPU than it saved. Optimising only the hottest functions
  // (a 12× interrupt budget) without inlining: check CPU on the OVS Windows tree 4.1 → 2.2 s,
  // Linux 5.0 → 2.8 s, userspace 29.9 → 20.2 s, wall time the same or better (docs/benchmarks.md).
  // The editor's long-lived worker keeps V8's defaults (it cannot set process flags, and gains from them).
  setFlagsFromString('--no-turbo-inlining');
  setFlagsFromString('--interrupt-budget=800000');
  // A reader that goes away (`lockstep check . | head`) is not an error of ours.
  const quietPipe = (e: NodeJS.ErrnoException): void => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(internalError(e));
    process.exit(2);
  };
  process.stdout.on('error', quietPipe);
  process.stderr.on('error', quietPipe);
  process.on('uncaughtException', (err) => {
    process.stderr.write(internalError(err));
    process.exit(2);
  });
  main(process.argv.slice(2)).then(exitWhenFlushed, (err: unknown) => {
    process.stderr.write(internalError(err));
    exitWhenFlushed(2);
  });
}
