import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { buildCli, runCli, tempDir, writeFile } from './helpers';

/**
 * Issue 21 item 2: feature macros were always taken as undefined. `lockstep.json` "defines",
 * --compile-commands and -D / -U now choose the `#if` / `#ifdef` branches inside functions.
 * Each function below leaks its lock only in one build configuration; which findings appear says
 * which branches were analysed.
 */
const STATS = `#include <linux/spinlock.h>

static DEFINE_SPINLOCK(stats_lock);

int stats_debug(int n)
{
	spin_lock(&stats_lock);
#ifdef CONFIG_STATS_DEBUG
	if (n < 0)
		return -1; /* leaks only when CONFIG_STATS_DEBUG is defined */
#endif
	spin_unlock(&stats_lock);
	return 0;
}

int stats_fast(int n)
{
	spin_lock(&stats_lock);
#if defined(HAVE_FAST_PATH) && FAST_LEVEL >= 2
	if (n > 100)
		return n; /* leaks only with HAVE_FAST_PATH and FAST_LEVEL at least 2 */
#elif !defined(HAVE_FAST_PATH)
	if (n == 7)
		return 7; /* leaks only without HAVE_FAST_PATH */
#endif
	spin_unlock(&stats_lock);
	return 0;
}

int stats_legacy(int n)
{
	spin_lock(&stats_lock);
	if (n < 0) {
#ifndef NDIS_LEGACY
		spin_unlock(&stats_lock);
#endif
		return -1; /* leaks only when NDIS_LEGACY is defined */
	}
	spin_unlock(&stats_lock);
	return n;
}
`;

/** The lines of the lock leaks reported in stats.c, in order. */
function leaks(stdout: string): string[] {
  return [...stdout.matchAll(/^stats\.c:(\d+):\d+: error: .*\[lock-leak\]$/gm)].map((m) => Number(m[1])).sort((a, b) => a - b).map(String);
}

const DEBUG_LEAK = '10';
const FAST_LEAK = '21';
const NO_FAST_LEAK = '24';
const LEGACY_LEAK = '37';

describe('feature macros: lockstep.json defines, -D / -U, --compile-commands', () => {
  let dir = '';
  before(() => {
    buildCli();
    dir = tempDir('defines');
    writeFile(dir, 'stats.c', STATS);
  });

  test('without any, every macro is undefined (as before)', () => {
    const r = runCli(['check', 'stats.c'], { cwd: dir });
    assert.deepEqual(leaks(r.stdout), [NO_FAST_LEAK], r.stdout + r.stderr);
  });

  test('-D and -U choose the branches; values are compared; a later setting wins', () => {
    const cases: [string[], string[]][] = [
      [['-DCONFIG_STATS_DEBUG'], [DEBUG_LEAK, NO_FAST_LEAK]],
      [['-D', 'HAVE_FAST_PATH', '-DFAST_LEVEL=2'], [FAST_LEAK]],
      [['-DHAVE_FAST_PATH', '-DFAST_LEVEL=1'], []],
      [['-DHAVE_FAST_PATH', '-DFAST_LEVEL=LEVEL', '-DLEVEL=3'], [FAST_LEAK]],
      [['-DNDIS_LEGACY'], [NO_FAST_LEAK, LEGACY_LEAK]],
      [['-DCONFIG_STATS_DEBUG', '-UCONFIG_STATS_DEBUG'], [NO_FAST_LEAK]],
      [['-UCONFIG_STATS_DEBUG', '-DCONFIG_STATS_DEBUG'], [DEBUG_LEAK, NO_FAST_LEAK]],
    ];
    for (const [flags, want] of cases) {
      const r = runCli(['check', 'stats.c', ...flags], { cwd: dir });
      assert.deepEqual(leaks(r.stdout), want, `${flags.join(' ')}:\n${r.stdout}${r.stderr}`);
      assert.equal(r.code, want.length > 0 ? 1 : 0, flags.join(' '));
    }
  });

  test('the worker thread resolves them the same way', () => {
    const r = runCli(['check', 'stats.c', '--jobs', '2', '-DCONFIG_STATS_DEBUG', '-DNDIS_LEGACY'], { cwd: dir });
    assert.deepEqual(leaks(r.stdout), [DEBUG_LEAK, NO_FAST_LEAK, LEGACY_LEAK], r.stdout + r.stderr);
  });

  test('lockstep.json "defines" apply, and -U on the command line overrides them', () => {
    const proj = tempDir('defines-config');
    writeFile(proj, 'stats.c', STATS);
    writeFile(proj, 'lockstep.json', JSON.stringify({ defines: { CONFIG_STATS_DEBUG: '1', HAVE_FAST_PATH: 1, FAST_LEVEL: 3 } }));
    assert.deepEqual(leaks(runCli(['check', 'stats.c'], { cwd: proj }).stdout), [DEBUG_LEAK, FAST_LEAK]);
    assert.deepEqual(leaks(runCli(['check', 'stats.c', '-UHAVE_FAST_PATH'], { cwd: proj }).stdout), [DEBUG_LEAK, NO_FAST_LEAK]);
    writeFile(proj, 'lockstep.json', JSON.stringify({ defines: { '1X': '1' } }));
    const bad = runCli(['check', 'stats.c'], { cwd: proj });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^lockstep check: config error: .*lockstep\.json: \/defines\/1X: must be a C identifier/m);
  });

  test('--compile-commands: each file its own command\'s -D / -U, then -D / -U; a file it does not list gets a note', () => {
    const proj = tempDir('defines-ccdb');
    writeFile(proj, 'dp/stats.c', STATS);
    writeFile(proj, 'dp/other.c', STATS.replace(/stats_/g, 'other_'));
    writeFile(proj, 'build/compile_commands.json', JSON.stringify([
      { directory: path.join(proj, 'build'), file: '../dp/stats.c', command: 'gcc -O2 -DCONFIG_STATS_DEBUG -D HAVE_FAST_PATH -DFAST_LEVEL=2 -c ../dp/stats.c' },
    ]));
    const r = runCli(['check', 'dp/stats.c', '--compile-commands', 'build/compile_commands.json'], { cwd: proj });
    assert.deepEqual([...r.stdout.matchAll(/^dp\/stats\.c:(\d+):\d+: error/gm)].map((m) => m[1]), [DEBUG_LEAK, FAST_LEAK], r.stdout + r.stderr);
    const over = runCli(['check', 'dp/stats.c', '--compile-commands', 'build/compile_commands.json', '-UCONFIG_STATS_DEBUG'], { cwd: proj });
    assert.deepEqual([...over.stdout.matchAll(/^dp\/stats\.c:(\d+):\d+: error/gm)].map((m) => m[1]), [FAST_LEAK], over.stdout);
    const both = runCli(['check', 'dp', '--compile-commands', 'build/compile_commands.json'], { cwd: proj });
    assert.deepEqual([...both.stdout.matchAll(/^dp\/other\.c:(\d+):\d+: error/gm)].map((m) => m[1]), [NO_FAST_LEAK], 'other.c has no command: no macro');
    assert.match(both.stderr, /^lockstep check: note: 1 file has no entry in build\/compile_commands\.json: analysed with lockstep\.json's defines and -D \/ -U only$/m);
    const missing = runCli(['check', 'dp/stats.c', '--compile-commands', 'nowhere.json'], { cwd: proj });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^lockstep check: --compile-commands .*nowhere\.json.*$/m);
    assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
  });

  test('-D / -U that are not macro names are usage errors', () => {
    for (const flags of [['-D1X'], ['-U', 'X=1'], ['-D']]) {
      const r = runCli(['check', 'stats.c', ...flags], { cwd: dir });
      assert.equal(r.code, 2, flags.join(' '));
      assert.match(r.stderr, /^lockstep check: .* \(try lockstep check --help\)$/m, flags.join(' '));
    }
  });
});
