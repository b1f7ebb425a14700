import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { listProtocols } from '../../src/core/flowtable/protocols/index';
import { repoRoot } from '../helpers/grammar';
import { seedsFor } from './lib/corpus';
import { makeInput } from './lib/harness';
import { Prng } from './lib/prng';
import { loadRegressions } from './lib/regressions';

/** Issue 22 item 9: `npm run fuzz -- --help`, and the three hangs of seed 987654 kept as regressions. */
const fuzz = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'fuzz.ts'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('npm run fuzz -- --help prints the options (it said "unknown argument"); a wrong one is one line, exit 2', () => {
  const help = fuzz(['--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: npm run fuzz -- \[options\]/);
  for (const o of ['--target', '--runs', '--seed', '--time-limit-ms', '--full-size-chance', '--max-input-bytes', '--time-budget-s', '--no-save']) assert.ok(help.stdout.includes(o), o);
  const bad = fuzz(['--frobnicate']);
  assert.deepEqual([bad.code, bad.stderr], [2, 'fuzz: unknown argument --frobnicate (try npm run fuzz -- --help)\n']);
});

test('the saved lock-pairs hangs are inputs #282, #475 and #4584 of seed 987654 (the run that found them)', () => {
  const saved = loadRegressions().filter((r) => r.meta.seed === 987654 && r.meta.kind === 'gen:lock-pairs:full');
  assert.deepEqual(saved.map((r) => r.meta.index).sort((a, b) => a - b), [282, 475, 4584]);
  const seeds = seedsFor('c');
  const protocols = listProtocols().map((p) => p.name);
  const master = new Prng(987654);
  const made = new Map<number, Uint8Array>();
  for (let i = 0; i <= 4584; i++) {
    const input = makeInput('c', master.fork(), seeds, 0.01, protocols);
    if (input.kind === 'gen:lock-pairs:full') made.set(i, input.bytes);
  }
  assert.deepEqual([...made.keys()], [282, 475, 4584]);
  for (const r of saved) assert.ok(Buffer.from(made.get(r.meta.index)!).equals(Buffer.from(r.bytes)), `#${r.meta.index}`);
});
