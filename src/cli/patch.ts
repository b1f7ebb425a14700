import type { CliHost } from './check';

// Placeholder until the patch command lands (owned by its issue); exits 2 so nobody mistakes it for a result.
export async function runPatch(_args: string[], _host: CliHost): Promise<number> {
  process.stderr.write('lockstep patch: not available yet\n');
  return 2;
}
