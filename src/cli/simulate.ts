import type { CliHost } from './check';

// Placeholder until the simulate command lands (owned by its issue); exits 2 so nobody mistakes it for a result.
export async function runSimulate(_args: string[], _host: CliHost): Promise<number> {
  process.stderr.write('lockstep simulate: not available yet\n');
  return 2;
}
