import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from '../helpers/build';
import { repoRoot } from '../helpers/grammar';

/** The CLI bundle the package ships (built once per test file by `buildCli`). */
export const cliBundle = path.join(repoRoot, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The bundles, rebuilt only when stale and never by two test files at once (see ensureBuilt). */
export function buildCli(): void {
  ensureBuilt();
}

/**
 * Runs `lockstep <args>` from the bundle. `timeoutMs` is a ceiling that catches hangs, never a
 * speed check; a killed run comes back with its signal.
 */
export function runCli(args: readonly string[], options: { cwd: string; input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number; uid?: number; gid?: number }): CliRun {
  const t0 = performance.now();
  const spawnOptions: SpawnSyncOptions = {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...options.env },
    ...(options.input !== undefined ? { input: options.input } : { stdio: ['ignore', 'pipe', 'pipe'] }),
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  };
  const r = spawnSync(process.execPath, [cliBundle, ...args], spawnOptions);
  return { code: r.status, signal: r.signal, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), ms: performance.now() - t0 };
}

/** A fresh folder under the system temp folder, removed by the caller (or left for the OS). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `lockstep-${prefix}-`));
}

export function writeFile(root: string, rel: string, content: string | Buffer): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

/** No stack trace, no internal error: what a user sees on any input. */
export function assertNoCrash(r: CliRun, what: string): void {
  assert.equal(r.signal, null, `${what}: killed by ${r.signal} after ${Math.round(r.ms)} ms (a hang or a blow-up)\n${r.stderr.slice(0, 2000)}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at .*:\d+:\d+\)?\n|RangeError|FATAL ERROR/, `${what}: ${r.stderr.slice(0, 2000)}`);
  assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `${what}: exit ${r.code}\n${r.stderr.slice(0, 2000)}`);
}

/** A function that leaks `d->lock` when `x` is true (line numbers: the return is on line 6). */
export const LEAK_C = `struct dp { int lock; int n; };
int leaky(struct dp *d, int x)
{
    spin_lock(&d->lock);
    if (x)
        return -1;
    spin_unlock(&d->lock);
    return 0;
}
`;
