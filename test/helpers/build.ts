import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './grammar';

/**
 * Builds dist/ when it is older than its sources, once at a time. Test files run two at a time
 * (`--test-concurrency=2`) and each may need the bundles: rebuilding while another file's test runs
 * `dist/cli.js` made that run read a half-written bundle (a SyntaxError, exit 1). `npm test` builds
 * first, so there the bundles are fresh and nothing is rebuilt.
 */
const INPUTS = ['src', 'schemas', 'build.mjs', 'package.json'];
const OUTPUTS = ['dist/cli.js', 'dist/checkWorker.js', 'dist/extension.js', 'dist/simWorker.js'];
const LOCK = path.join(repoRoot, 'out', '.build-lock');

function newest(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of fs.readdirSync(p)) m = Math.max(m, newest(path.join(p, e)));
  return m;
}

function fresh(): boolean {
  try {
    const built = Math.min(...OUTPUTS.map((o) => fs.statSync(path.join(repoRoot, o)).mtimeMs));
    return Math.max(...INPUTS.map((i) => newest(path.join(repoRoot, i)))) <= built;
  } catch {
    return false;
  }
}

const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function ensureBuilt(): void {
  if (fresh()) return;
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const t0 = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is building: wait for it (a lock older than 5 minutes was left by a killed run).
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs > 300_000) fs.rmSync(LOCK, { recursive: true, force: true });
      } catch { /* gone meanwhile */ }
      if (Date.now() - t0 > 600_000) throw new Error('waited 10 minutes for another build');
      sleep(200);
    }
  }
  try {
    if (fresh()) return;
    const build = spawnSync(process.execPath, ['build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}
