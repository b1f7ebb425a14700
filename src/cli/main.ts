import * as path from 'node:path';
import { runCheck } from './check';
import { runPatch } from './patch';
import { runSimulate } from './simulate';
import { VERSION } from '../core/version';

const HELP = `lockstep ${VERSION} — lock and reference-count review for C datapaths

Usage:
  lockstep check [options] <files|dirs...>   analyse C files (directories recurse into .c/.h)
  lockstep simulate [options]                 model-check a refcount protocol (see simulate --help)
  lockstep patch [options] <file|->            what a patch or mbox series introduces (see patch --help)
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
    case 'check':
      return runCheck(rest, { distDir });
    case 'simulate':
      return runSimulate(rest, { distDir });
    case 'patch':
      return runPatch(rest, { distDir });
    default:
      process.stderr.write(`lockstep: unknown command '${cmd}' (try lockstep --help)\n`);
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`lockstep: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}

export const cliDir = (): string => path.resolve(__dirname);
