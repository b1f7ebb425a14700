import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULE_IDS } from '../../src/core/findings';
import { RULES } from '../../src/core/rules/registry';
import { buildCli, LEAK_C, runCli, tempDir, writeFile } from './helpers';

/** Issue 21 item 2: what a linter user reaches for outside the editor. */
const root = tempDir('check-options');

/** A warning (ref-leak) and an error (lock-leak) in one file. */
const MIXED = `struct dev { int lock; int refcnt; };
int leak_lock(struct dev *d, int x)
{
    spin_lock(&d->lock);
    if (x)
        return -1;
    spin_unlock(&d->lock);
    return 0;
}
int leak_ref(struct dev *d, int x)
{
    dev_hold(d);
    if (x)
        return -1;
    dev_put(d);
    return 0;
}
`;

before(() => {
  buildCli();
  writeFile(root, 'mixed.c', MIXED);
  writeFile(root, 'leak.c', LEAK_C);
});

const kinds = (stdout: string): string[] => [...stdout.matchAll(/^\S+:\d+:\d+: (\w+): .*\[([a-z-]+)\]$/gm)].map((m) => `${m[1]} ${m[2]}`);

describe('reporting', () => {
  test('--quiet reports errors only, with no summary', () => {
    const all = runCli(['check', 'mixed.c'], { cwd: root });
    assert.deepEqual(kinds(all.stdout), ['error lock-leak', 'warning ref-leak']);
    const q = runCli(['check', 'mixed.c', '--quiet'], { cwd: root });
    assert.deepEqual(kinds(q.stdout), ['error lock-leak']);
    assert.equal(q.stderr, '');
    assert.equal(q.code, 1);
  });

  test('--max-warnings N: exit 1 when more than N warnings, even when --fail-on would pass them', () => {
    assert.equal(runCli(['check', 'mixed.c', '--fail-on', 'error', '--max-warnings', '1'], { cwd: root }).code, 1, 'the error fails');
    writeFile(root, 'warn/only.c', MIXED.split('int leak_ref')[0]!.replace('spin_lock(&d->lock);\n    if (x)\n        return -1;', 'spin_lock(&d->lock);') + `int leak_ref${MIXED.split('int leak_ref')[1]!}`);
    const one = runCli(['check', 'warn/only.c', '--fail-on', 'error', '--max-warnings', '0'], { cwd: root });
    assert.equal(one.code, 1, one.stderr);
    assert.match(one.stderr, /lockstep: 1 warnings, more than --max-warnings 0/);
    assert.equal(runCli(['check', 'warn/only.c', '--fail-on', 'error', '--max-warnings', '1'], { cwd: root }).code, 0);
  });

  test('-o FILE writes the report there, nothing on stdout', () => {
    const out = path.join(root, 'report.json');
    const r = runCli(['check', 'leak.c', '--format', 'json', '-o', out], { cwd: root });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal((JSON.parse(fs.readFileSync(out, 'utf8')) as { summary: { findings: number } }).summary.findings, 1);
    const bad = runCli(['check', 'leak.c', '-o', root], { cwd: root });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^lockstep check: -o .*: cannot write \(EISDIR\)$/m);
  });

  test('--list-rules lists every rule with its default severity; explain prints a rule\'s page', () => {
    const r = runCli(['check', '--list-rules'], { cwd: root });
    assert.equal(r.code, 0);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.map((l) => l.split(/\s+/)[0]), [...RULE_IDS]);
    for (const id of RULE_IDS) assert.ok(lines.some((l) => l.startsWith(id) && l.includes(RULES[id].defaultSeverity) && l.includes(RULES[id].short)), id);
    const e = runCli(['explain', 'lock-leak'], { cwd: root });
    assert.equal(e.code, 0);
    assert.match(e.stdout, /^# `?lock-leak/);
    const unknown = runCli(['explain', 'lock-leek'], { cwd: root });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^lockstep explain: no rule 'lock-leek' \(rules: lock-leak, /);
  });

  test('--color always colours the severity; auto does not colour a pipe; NO_COLOR wins over auto', () => {
    const ESC = '\x1b[';
    const always = runCli(['check', 'leak.c', '--color', 'always'], { cwd: root });
    assert.ok(always.stdout.includes(`${ESC}31m${ESC}1merror${ESC}22m${ESC}39m`), always.stdout);
    assert.ok(!runCli(['check', 'leak.c'], { cwd: root }).stdout.includes(ESC));
    assert.ok(!runCli(['check', 'leak.c'], { cwd: root, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout.includes(ESC));
    assert.ok(runCli(['check', 'leak.c'], { cwd: root, env: { FORCE_COLOR: '1' } }).stdout.includes(ESC));
  });
});

describe('inputs', () => {
  test('- reads standard input; --stdin-filename names it (it said "no such file")', () => {
    const r = runCli(['check', '-', '--stdin-filename', 'drivers/net/leak.c'], { cwd: root, input: LEAK_C });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^drivers\/net\/leak\.c:6:9: error: .*\[lock-leak\]$/m);
    const anon = runCli(['check', '-'], { cwd: root, input: LEAK_C });
    assert.match(anon.stdout, /^<stdin>:6:9: error: /m);
    assert.match(runCli(['check', 'leak.c', '--stdin-filename', 'x.c'], { cwd: root }).stderr, /--stdin-filename goes with '-'/);
  });

  test('lockstep.json rules: off hides a rule, a severity replaces its default; exclude skips files in folder searches', () => {
    const dir = path.join(root, 'cfg');
    writeFile(dir, 'src/mixed.c', MIXED);
    writeFile(dir, 'src/third_party/vendor.c', LEAK_C);
    writeFile(dir, 'src/gen/out_test.c', LEAK_C);
    writeFile(dir, 'lockstep.json', JSON.stringify({ rules: { 'ref-leak': 'off', 'lock-leak': 'warning' }, exclude: ['third_party', 'src/gen/*_test.c'] }));
    const r = runCli(['check', 'src'], { cwd: dir });
    assert.deepEqual(kinds(r.stdout), ['warning lock-leak']);
    assert.equal(r.stderr, 'lockstep: 1 finding (1 warning) in 1 file\n');
    // A file named on the command line is analysed whatever exclude says.
    assert.equal(kinds(runCli(['check', 'src/third_party/vendor.c'], { cwd: dir }).stdout).length, 1);
    writeFile(dir, 'bad/lockstep.json', JSON.stringify({ rules: { 'lock-leek': 'off' } }));
    writeFile(dir, 'bad/a.c', LEAK_C);
    assert.match(runCli(['check', 'bad'], { cwd: dir }).stderr, /^lockstep check: config error: .*lockstep\.json: \/rules\/lock-leek: unknown property "lock-leek"$/m);
  });
});

describe('time limit per function (issue 22 "Time")', () => {
  test('--timeout-per-function: a function over it gets an analysis-incomplete note; 0 means no limit', () => {
    const body: string[] = [];
    for (let i = 0; i < 300; i++) body.push(`    if (x > ${i}) { spin_lock(&d->lock); d->n += ${i}; spin_unlock(&d->lock); }`);
    writeFile(root, 'slow.c', `struct dev { int lock; int n; };\nint slow(struct dev *d, int x)\n{\n${body.join('\n')}\n    return 0;\n}\n`);
    const cut = runCli(['check', 'slow.c', '--timeout-per-function', '0.0001', '--fail-on', 'none'], { cwd: root });
    assert.equal(cut.code, 0, cut.stderr);
    assert.match(cut.stdout, /^slow\.c:2:5: note: analysis of `slow` is incomplete: the path analysis ran out of its time limit.*\[analysis-incomplete\]$/m);
    const unlimited = runCli(['check', 'slow.c', '--timeout-per-function', '0'], { cwd: root });
    assert.equal(unlimited.code, 0, unlimited.stdout);
    assert.equal(unlimited.stdout, '');
    assert.match(runCli(['check', 'slow.c', '--timeout-per-function', 'soon'], { cwd: root }).stderr, /--timeout-per-function must be a number of seconds/);
  });
});

describe('baseline', () => {
  test('--update-baseline records today\'s findings; --baseline then hides them, also after lines move, and shows new ones', () => {
    const dir = path.join(root, 'base');
    writeFile(dir, 'mixed.c', MIXED);
    const file = path.join(dir, 'lockstep-baseline.json');
    const write = runCli(['check', 'mixed.c', '--baseline', file, '--update-baseline'], { cwd: dir });
    assert.equal(write.code, 0, write.stderr);
    assert.match(write.stderr, /note: wrote 2 findings to the baseline/);
    const b = JSON.parse(fs.readFileSync(file, 'utf8')) as { kind: string; formatVersion: number; findings: { file: string; ruleId: string }[] };
    assert.equal(b.kind, 'lockstep-baseline');
    assert.deepEqual(b.findings.map((f) => `${f.file} ${f.ruleId}`), ['mixed.c lock-leak', 'mixed.c ref-leak']);

    writeFile(dir, 'mixed.c', `/* a comment that moves every line */\n\n\n${MIXED}`);
    const same = runCli(['check', 'mixed.c', '--baseline', file], { cwd: dir });
    assert.equal(same.code, 0, same.stdout);
    assert.equal(same.stdout, '');
    assert.equal(same.stderr, 'lockstep: 0 findings in 1 file (2 known from the baseline not shown)\n');

    writeFile(dir, 'mixed.c', `${MIXED}${LEAK_C.replace('struct dp { int lock; int n; };\n', '').replace(/dp/g, 'dev')}`);
    const more = runCli(['check', 'mixed.c', '--baseline', file], { cwd: dir });
    assert.equal(more.code, 1);
    assert.deepEqual(kinds(more.stdout), ['error lock-leak']);
    assert.match(more.stdout, /in leaky\b|leaky\(\)/);

    const missing = runCli(['check', 'mixed.c', '--baseline', path.join(dir, 'none.json')], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^lockstep check: --baseline .*none\.json: no such file \(write one with --update-baseline\)$/m);
  });
});

describe('--fix and --fix-dry-run (the mechanical fixes the editor offers)', () => {
  test('--fix-dry-run prints the diff and writes nothing; --fix writes it and reports what remains', () => {
    const dir = path.join(root, 'fix');
    const file = writeFile(dir, 'leak.c', LEAK_C);
    const dry = runCli(['check', 'leak.c', '--fix-dry-run'], { cwd: dir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.stdout, [
      '--- a/leak.c',
      '+++ b/leak.c',
      '@@ -2,8 +2,10 @@',
      ' int leaky(struct dp *d, int x)',
      ' {',
      '     spin_lock(&d->lock);',
      '-    if (x)',
      '+    if (x) {',
      '+        spin_unlock(&d->lock);',
      '         return -1;',
      '+    }',
      '     spin_unlock(&d->lock);',
      '     return 0;',
      ' }',
      '',
    ].join('\n'));
    assert.equal(fs.readFileSync(file, 'utf8'), LEAK_C);
    const fix = runCli(['check', 'leak.c', '--fix'], { cwd: dir });
    assert.equal(fix.code, 0, fix.stdout + fix.stderr);
    assert.equal(fix.stderr, 'lockstep: 0 findings in 1 file (fixed 1 in 1 file)\n');
    assert.match(fs.readFileSync(file, 'utf8'), /if \(x\) \{\n {8}spin_unlock\(&d->lock\);\n {8}return -1;\n {4}\}/);
    assert.equal(runCli(['check', 'leak.c'], { cwd: dir }).code, 0);
  });

  test('--fix keeps the file\'s encoding and line endings (CRLF, Windows-1252)', () => {
    const dir = path.join(root, 'fix-enc');
    const crlf = writeFile(dir, 'crlf.c', Buffer.from(`/* caf\xe9 */\r\n${LEAK_C.replace(/\n/g, '\r\n')}`, 'latin1'));
    const r = runCli(['check', 'crlf.c', '--fix'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const bytes = fs.readFileSync(crlf);
    assert.equal(bytes[6], 0xe9, 'still Windows-1252');
    const text = bytes.toString('latin1');
    assert.equal(text.split('\r\n').length - 1, text.split('\n').length - 1, 'every line break is CRLF');
    assert.match(text, /spin_unlock\(&d->lock\);\r\n {8}return -1;/);
  });
});
