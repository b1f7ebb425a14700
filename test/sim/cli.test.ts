// `lockstep simulate` as a command: exit codes (0 safe, 1 violated, 3 incomplete, 2 usage), the JSON
// envelope with 1-based lines, one error style, progress on a terminal, and runs that stop at a limit.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { progressLine } from '../../src/cli/simulate';
import { protocolListing, protocolModel } from '../../src/core/flowtable/protocols/index';
import { simulate } from '../../src/core/sim/simulate';
import { repoRoot } from '../helpers/grammar';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function lockstep(args: string[]): Run {
  const main = path.join(repoRoot, 'src', 'cli', 'main.ts');
  const script = `require(${JSON.stringify(main)}).main(${JSON.stringify(['simulate', ...args])}).then((c) => { process.exitCode = c; })`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 600_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Json {
  formatVersion: number;
  tool: { name: string; version: string };
  positions: string;
  verdict: string;
  stats: { limit: string | null; stoppedBecause: string | null; states: number; complete: boolean };
  violations: { invariant: string; steps: { location: { line: number }; instruction: string }[] }[];
}

describe('lockstep simulate: exit codes and JSON', () => {
  test('--max-states 1000 stops early: exit 3, verdict incomplete, and says which limit and how far', () => {
    const r = lockstep(['--protocol', 'seed-workflow-fixed', '--packets', '3', '--puts', '2', '--max-states', '1000', '--format', 'json']);
    assert.equal(r.code, 3, r.stderr);
    const j = JSON.parse(r.stdout) as Json;
    assert.equal(j.verdict, 'incomplete');
    assert.equal(j.stats.limit, 'states');
    assert.match(j.stats.stoppedBecause!, /state limit of 1000 reached/);
    assert.ok(j.stats.states >= 1000);
    const text = lockstep(['--protocol', 'seed-workflow-fixed', '--packets', '3', '--puts', '2', '--max-states', '1000']);
    assert.equal(text.code, 3);
    assert.match(text.stdout, /INCOMPLETE \(no violation found; not a proof\)/);
    assert.match(text.stdout, /incomplete: state limit of 1000 reached at depth \d+/);
  });

  test('safe exits 0, violated exits 1', () => {
    assert.equal(lockstep(['--protocol', 'ovs-windows', '--packets', '1', '--puts', '1']).code, 0);
    assert.equal(lockstep(['--protocol', 'seed-workflow', '--packets', '2', '--puts', '1']).code, 1);
  });

  test('JSON has formatVersion, tool and positions, and its lines are 1-based', () => {
    const r = lockstep(['--protocol', 'seed-workflow', '--format', 'json']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as Json;
    assert.equal(j.formatVersion, 1);
    assert.equal(j.tool.name, 'lockstep');
    assert.match(j.tool.version, /^\d+\.\d+\.\d+/);
    assert.equal(j.positions, '1-based');
    // The first step takes the table's read lock: line N of the listing, counted from 1.
    const lines = protocolListing('seed-workflow')!.split('\n');
    const first = j.violations[0]!.steps[0]!;
    assert.match(lines[first.location.line - 1]!, /1\. Lock Flowtable \(read\)/);
  });

  test('--variant picks a reading of the thread: the atomic increment is safe at 2x1; the name carries it', () => {
    const r = lockstep(['--protocol', 'seed-workflow', '--variant', 'increment=atomic', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { protocol: string }).protocol, 'seed-workflow(increment=atomic)');
    const list = JSON.parse(lockstep(['--list', '--format', 'json']).stdout) as { formatVersion: number; protocols: { name: string; variants?: { name: string }[] }[] };
    assert.equal(list.formatVersion, 1);
    assert.deepEqual(list.protocols.find((p) => p.name === 'seed-workflow')!.variants!.map((v) => v.name), ['increment', 'initial', 'put']);
  });

  test('every error is one line in one style, exit 2', () => {
    const bad = [['--protocol', 'nope'], ['--packets', 'x'], ['--replay', 'garbage'], [], ['--protocol', 'seed-workflow', '--variant', 'increment=maybe'], ['--variant', 'increment=atomic']];
    for (const args of bad) {
      const r = lockstep(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^lockstep simulate: [^\n]+ \(try lockstep simulate --help\)\n$/, r.stderr);
    }
  });

  test('an input the run cannot use is one line without the --help hint (the shared style), exit 2', () => {
    const r = lockstep(['--file', 'no/such/file.c', '--packet', 'A', '--put', 'B']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^lockstep simulate: [^\n]*no\/such\/file\.c[^\n]*\n$/);
    assert.doesNotMatch(r.stderr, /try lockstep simulate --help/);
  });

  test('a 5x3 run with a huge state limit stops cleanly at the CPU time limit with a partial result', () => {
    const r = lockstep(['--protocol', 'seed-workflow-fixed', '--packets', '5', '--puts', '3', '--max-states', '50000000', '--time-limit', '2', '--format', 'json']);
    assert.equal(r.code, 3, r.stderr);
    const j = JSON.parse(r.stdout) as Json;
    assert.equal(j.verdict, 'incomplete');
    assert.equal(j.stats.limit, 'time');
    assert.match(j.stats.stoppedBecause!, /time limit of 2 s CPU reached/);
    assert.ok(j.stats.states > 0);
  });
});

describe('limits in the core', () => {
  test('the time limit counts the given CPU clock, whatever the wall clock does', () => {
    let now = 0;
    const r = simulate(protocolModel('seed-workflow-fixed')!, { packets: 3, puts: 2, timeLimitMs: 50, clock: () => (now += 1) });
    assert.equal(r.verdict, 'incomplete');
    assert.equal(r.stats.limit, 'time');
    assert.ok(r.stats.cpuMs! > 50);
  });

  test('--max-states is capped at what fits in the memory given, and the run says so', () => {
    const r = simulate(protocolModel('seed-workflow-fixed')!, { packets: 2, puts: 1, maxStates: 50_000_000, memoryBytes: 256 << 20 });
    assert.equal(r.verdict, 'safe');
    assert.match(r.stats.notes![0]!, /^--max-states 50000000 would need about [\d.]+ GB; capped at \d+ \(about 256 MB for the visited states\)$/);
  });

  test('the visited states stop at the memory budget instead of exhausting the process', () => {
    const r = simulate(protocolModel('seed-workflow-fixed')!, { packets: 3, puts: 2, memoryBytes: 1 << 20 });
    assert.equal(r.verdict, 'incomplete');
    assert.equal(r.stats.limit, 'memory');
    assert.match(r.stats.stoppedBecause!, /memory limit of 1 MB for visited states reached/);
  });
});

describe('progress', () => {
  test('a terminal gets one line rewritten about once a second, cleared at the end; a pipe gets nothing', () => {
    assert.equal(progressLine({ isTTY: false, write: () => true }), undefined);
    let written = '';
    const p = progressLine({ isTTY: true, write: (t: string) => (written += t) })!;
    simulate(protocolModel('seed-workflow-fixed')!, { packets: 3, puts: 1, onProgress: p.onProgress, progressEveryMs: 0 });
    const ESC = String.fromCharCode(27);
    const line = written.split(`\r${ESC}[K`).find((l) => l !== '')!;
    assert.match(line, /^lockstep simulate: [\d,]+ states, depth \d+, [\d,]+ states\/s, [\d.]+ s CPU$/);
    p.done();
    assert.ok(written.endsWith(`\r${ESC}[K`));
  });
});
