/** Command-line parsing for `lockstep check`: small and strict, so a typo is an error, not a file name. */

export type OutputFormat = 'text' | 'json' | 'sarif';
export type FailOn = 'error' | 'warning' | 'note' | 'none';

export interface CheckArgs {
  format: OutputFormat;
  config?: string;
  failOn: FailOn;
  stats: boolean;
  /** Worker threads; undefined = decide from the input size and the cores. */
  jobs?: number;
  help: boolean;
  paths: string[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'note', 'none'];

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${option} must be one of ${allowed.join(', ')} (got '${value}')`);
  }
  return value as T;
}

/** Accepts `--opt value` and `--opt=value`; `--` ends the options. Throws UsageError. */
export function parseCheckArgs(argv: readonly string[]): CheckArgs {
  const out: CheckArgs = { format: 'text', failOn: 'warning', stats: false, help: false, paths: [] };
  let i = 0;
  const valueOf = (name: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const v = argv[++i];
    if (v === undefined || (v.startsWith('-') && v !== '-')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.paths.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.paths.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    switch (name) {
      case '--format':
      case '-f':
        out.format = oneOf('--format', valueOf(name, inline), FORMATS);
        break;
      case '--config':
      case '-c':
        out.config = valueOf(name, inline);
        break;
      case '--fail-on':
        out.failOn = oneOf('--fail-on', valueOf(name, inline), FAIL_ON);
        break;
      case '--jobs':
      case '-j': {
        const v = valueOf(name, inline);
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--jobs must be a whole number from 1 to 256 (got '${v}')`);
        out.jobs = n;
        break;
      }
      case '--stats':
        if (inline !== undefined) throw new UsageError('--stats takes no value');
        out.stats = true;
        break;
      case '--help':
      case '-h':
        out.help = true;
        break;
      default:
        throw new UsageError(`unknown option '${arg}'`);
    }
  }
  return out;
}
