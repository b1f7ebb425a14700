import { UsageError } from './usage';

/**
 * The option syntax every `lockstep` command shares: `--name value`, `--name=value`, `-x value`,
 * `-xVALUE` (a short option with a value: `-j4`, `-DNAME=1`), `--` ends the options, `-` alone is an
 * input (standard input). A value may not look like an option (`--config --format` is a missing value).
 */
export type ArgToken =
  | { kind: 'option'; name: string; value?: string }
  | { kind: 'input'; value: string };

export interface OptionTable {
  /** Options that take a value (long and short spellings). */
  valued: ReadonlySet<string>;
  /** Options that take none. Anything else is `unknown option`. */
  flags: ReadonlySet<string>;
}

export function* scanArgs(argv: readonly string[], table: OptionTable): Generator<ArgToken> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      for (const rest of argv.slice(i + 1)) yield { kind: 'input', value: rest };
      return;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      yield { kind: 'input', value: arg };
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    let name = eq > 0 ? arg.slice(0, eq) : arg;
    let inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (!arg.startsWith('--') && arg.length > 2 && table.valued.has(arg.slice(0, 2))) {
      name = arg.slice(0, 2);
      inline = arg.slice(2);
    }
    if (table.flags.has(name)) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      yield { kind: 'option', name };
    } else if (table.valued.has(name)) {
      let value = inline;
      if (value === undefined) {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith('-') && next !== '-' && !/^-\d/.test(next))) throw new UsageError(`${name} needs a value`);
        value = next;
        i++;
      }
      yield { kind: 'option', name, value };
    } else {
      throw new UsageError(`unknown option '${arg.length > 80 ? `${arg.slice(0, 80)}…` : arg}'`);
    }
  }
}

export function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${option} must be one of ${allowed.join(', ')} (got '${value}')`);
  }
  return value as T;
}

export function wholeNumber(option: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max} (got '${value}')`);
  }
  return n;
}
