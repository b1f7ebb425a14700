import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from '../helpers/build';
import { repoRoot } from '../helpers/grammar';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-exit-'));

/** A 200-line file with a leak in every function: some output, then the process should end. */
function leakyFile(functions: number): string {
  const out = ['struct t { int lock; int n; };'];
  for (let i = 0; i < functions; i++) {
    out.push(`int f${i}(struct t *t, int x)`, '{', '    spin_lock(&t->lock);', '    if (x)', '        return -1;', '    t->n++;', '    spin_unlock(&t->lock);', '    return 0;', '}', '');
  }
  return `${out.join('\n')}\n`;
}

interface Timed { lastOutputMs: number; exitMs: number; code: number | null; stderr: string; stdout: string }

function timedRun(args: string[]): Promise<Timed> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let last = 0;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { last = performance.now() - t0; stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { last = performance.now() - t0; stderr += d.toString(); });
    child.on('close', (code) => resolve({ lastOutputMs: last, exitMs: performance.now() - t0, code, stderr, stdout }));
  });
}

before(() => {
  ensureBuilt();
  fs.writeFileSync(path.join(tmp, 'x.c'), leakyFile(20));
});

test('the process ends right after its last output (it used to wait ~0.5–2 s for background wasm compiles)', async () => {
  // Relative to the run itself, so a loaded machine slows both sides alike: the old gap was 70–90 %
  // of the time to the output (300–460 ms of 400–630 ms here); now it is 10–100 ms. The best of
  // three runs must end within a tenth of its output time plus 100 ms of process teardown.
  const runs: Timed[] = [];
  for (let i = 0; i < 3; i++) runs.push(await timedRun(['check', 'x.c']));
  for (const r of runs) assert.equal(r.code, 1, r.stderr);
  const best = runs.reduce((a, b) => (b.exitMs - b.lastOutputMs < a.exitMs - a.lastOutputMs ? b : a));
  const gap = best.exitMs - best.lastOutputMs;
  assert.ok(gap <= best.lastOutputMs / 10 + 100, `exit ${gap.toFixed(0)} ms after the last output (output done at ${best.lastOutputMs.toFixed(0)} ms)`);
});

test('a reader that goes away early ends the run quietly: no stack trace, no internal error', async () => {
  fs.writeFileSync(path.join(tmp, 'many.c'), leakyFile(400));
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, 'check', 'many.c'], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.once('data', () => child.stdout.destroy());
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stderr }));
  });
  assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
  assert.ok(result.code === 1 || result.code === 0, `exit ${result.code}: ${result.stderr}`);
});
