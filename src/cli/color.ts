/**
 * `--color auto|always|never` and NO_COLOR (https://no-color.org), the same for every command.
 * `auto` colours only a terminal: never a pipe or a file, never when NO_COLOR is set and not empty,
 * never for TERM=dumb; FORCE_COLOR (not empty, not 0) colours a pipe. The flag beats the environment.
 */
import { UsageError } from './usage';

export type ColorMode = 'auto' | 'always' | 'never';

export const COLOR_MODES: readonly ColorMode[] = ['auto', 'always', 'never'];

export function parseColorMode(value: string): ColorMode {
  if (!(COLOR_MODES as readonly string[]).includes(value)) {
    throw new UsageError(`--color must be one of ${COLOR_MODES.join(', ')} (got '${value}')`);
  }
  return value as ColorMode;
}

export function useColor(mode: ColorMode, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (mode !== 'auto') return mode === 'always';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** What the text reports colour; identity functions when colour is off, so callers never branch. */
export interface Palette {
  error(s: string): string;
  warning(s: string): string;
  note(s: string): string;
  ok(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const sgr = (open: number, close: number) => (s: string): string => `\x1b[${open}m${s}\x1b[${close}m`;
const plain = (s: string): string => s;

export const NO_COLOR: Palette = { error: plain, warning: plain, note: plain, ok: plain, bold: plain, dim: plain };

const ANSI: Palette = {
  error: sgr(31, 39), warning: sgr(33, 39), note: sgr(36, 39), ok: sgr(32, 39), bold: sgr(1, 22), dim: sgr(2, 22),
};

export function palette(enabled: boolean): Palette {
  return enabled ? ANSI : NO_COLOR;
}
