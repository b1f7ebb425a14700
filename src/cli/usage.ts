/**
 * The one error style of every `lockstep` command:
 *   lockstep <cmd>: <message> (try lockstep <cmd> --help)   — a usage error (exit 2)
 *   lockstep <cmd>: <message>                                — an input, config or run error (exit 2)
 * One line each, never a stack trace.
 */

/** A command line that cannot be run: a wrong option, a missing value, no input. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `lockstep check: unknown option '--x' (try lockstep check --help)` with its newline. */
export function usageLine(cmd: string, message: string): string {
  return `lockstep ${cmd}: ${oneLine(message)} (try lockstep ${cmd} --help)\n`;
}

/** `lockstep check: x.c: no such file` with its newline. */
export function errorLine(cmd: string, message: string): string {
  return `lockstep ${cmd}: ${oneLine(message)}\n`;
}

/** Messages quote user text (file names, option values): keep them on one line and bounded. */
export function oneLine(message: string, max = 500): string {
  const flat = message.replace(/[\r\n\u2028\u2029]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
