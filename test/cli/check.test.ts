import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from '../helpers/build';
import { repoRoot } from '../helpers/grammar';
import { sarifSchemaErrors } from '../report/sarifSchema';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-cli-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function lockstep(args: string[], cwd = tmp): Run {
  const r = spawnSync(process.execPath, [cli, 'check', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(rel: string, content: string | Buffer): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

const CLEAN = `struct dp { int lock; int n; };
void spin_lock(int *l);
void spin_unlock(int *l);
int ok(struct dp *dp)
{
    spin_lock(&dp->lock);
    dp->n++;
    spin_unlock(&dp->lock);
    return 0;
}
`;

const LEAK = `struct dp { int lock; int n; };
int leaky(struct dp *dp, int x)
{
    spin_lock(&dp->lock);
    if (x)
        return -1;
    spin_unlock(&dp->lock);
    return 0;
}
`;

before(() => {
  ensureBuilt();
  write('clean/a.c', CLEAN);
  write('clean/sub/b.h', 'int helper(void);\n');
  write('clean/notes.txt', 'not C');
  write('leak/leak.c', LEAK);
  write('bad/binary.c', Buffer.from([0x69, 0x6e, 0x74, 0x00, 0x01]));
  write('bad/latin1.c', Buffer.from('/* caf\xe9 */ int x;\n', 'latin1'));
});

describe('lockstep check: exit codes and text output', () => {
  test('clean files: exit 0, nothing on stdout, a summary on stderr; directories recurse into .c and .h', () => {
    const r = lockstep(['clean']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'lockstep: 0 findings in 2 files\n');
  });

  test('a finding: gcc-style line with 1-based position and rule id, exit 1', () => {
    const r = lockstep([path.join('leak', 'leak.c')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout.split('\n')[0]!, /^leak\/leak\.c:6:9: (warning|error): .*`&dp->lock`.* \[lock-leak\]$/);
    assert.match(r.stdout, /\n {4}path in leaky\(\):\n {6}1\. leak\/leak\.c:4:5: /);
  });

  test('--fail-on decides which severities fail the run', () => {
    assert.equal(lockstep(['leak', '--fail-on', 'none']).code, 0);
    assert.equal(lockstep(['leak', '--fail-on=note']).code, 1);
    assert.equal(lockstep(['clean', '--fail-on', 'note']).code, 0);
  });

  test('--stats prints files, lines, parse and analysis time and findings to stderr', () => {
    const r = lockstep(['clean', 'leak', '--stats', '--fail-on', 'none']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /lockstep: stats: 3 files, \d+ lines, \d+ functions, parse \d+ ms \(\d+ parses\), analysis \d+ ms \(\d+ functions analysed, \d+ skipped, \d+ reused\), summary rounds \d+ ms \(\d+ extra rounds: \d+ parses, \d+ functions analysed again; part of the above\), 1 findings, wall \d+ ms, in-process\n/);
  });

  test('the worker thread gives the same output as this thread', () => {
    for (let i = 0; i < 6; i++) write(`many/f${i}.c`, i % 2 ? LEAK.replace('leaky', `leaky${i}`) : CLEAN.replace('ok(', `ok${i}(`));
    const one = lockstep(['many', '--jobs', '1', '--format', 'json']);
    const three = lockstep(['many', '--jobs', '3', '--format', 'json', '--stats']);
    assert.equal(one.code, 1);
    assert.equal(three.code, 1);
    // --jobs is capped at the cores (issue 22: 256 threads on 2 cores took 4 GB).
    assert.match(three.stderr, os.availableParallelism() >= 2 ? /in a worker thread/ : /in-process/);
    assert.equal(three.stdout, one.stdout);
    assert.equal((JSON.parse(one.stdout) as { summary: { findings: number } }).summary.findings, 3);
  });

  test('without --jobs, even a large input is analysed in this thread (a worker never measured faster; README)', () => {
    // 350 KB (inputs over 256 KB went to a worker by default): one leaking function after a long comment.
    write('large/big.c', `/*\n${' * filler line of a long licence or design comment\n'.repeat(7000)} */\n${LEAK}`);
    assert.ok(fs.statSync(path.join(tmp, 'large/big.c')).size > 300 * 1024);
    const byDefault = lockstep(['large', '--stats', '--format', 'json']);
    assert.equal(byDefault.code, 1, byDefault.stderr);
    assert.match(byDefault.stderr, /, in-process\n/);
    const worker = lockstep(['large', '--stats', '--format', 'json', '--jobs', '2']);
    assert.match(worker.stderr, os.availableParallelism() >= 2 ? /, in a worker thread\n/ : /, in-process\n/);
    assert.equal(worker.stdout, byDefault.stdout);
  });
});

describe('lockstep check: formats', () => {
  test('json: findings with 1-based positions and a summary', () => {
    const r = lockstep(['leak', '--format', 'json']);
    assert.equal(r.code, 1);
    const rep = JSON.parse(r.stdout) as { summary: { files: number; findings: number }; findings: { ruleId: string; uri: string; range: { start: { line: number; column: number } }; functionName: string }[] };
    assert.deepEqual(rep.summary.files, 1);
    assert.equal(rep.findings[0]!.ruleId, 'lock-leak');
    assert.equal(rep.findings[0]!.functionName, 'leaky');
    assert.deepEqual(rep.findings[0]!.range.start, { line: 6, column: 9 });
  });

  test('sarif: valid against the SARIF 2.1.0 schema, with the function as logical location', () => {
    const r = lockstep(['leak', 'clean', '--format', 'sarif']);
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; locations: { logicalLocations: unknown[]; physicalLocation: { artifactLocation: { uri: string } } }[] }[]; tool: { driver: { rules: { helpUri: string }[] } } }[] };
    assert.deepEqual(sarifSchemaErrors(log), []);
    const res = log.runs[0]!.results[0]!;
    assert.equal(res.ruleId, 'lock-leak');
    assert.deepEqual(res.locations[0]!.logicalLocations, [{ name: 'leaky', kind: 'function' }]);
    assert.equal(res.locations[0]!.physicalLocation.artifactLocation.uri, 'leak/leak.c');
    // An https page of the repository (a file: path of the machine that ran it is useless in code scanning),
    // one that exists in this checkout.
    const repo = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { repository: { url: string } }).repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    for (const rule of log.runs[0]!.tool.driver.rules) {
      assert.ok(rule.helpUri.startsWith(`${repo}/blob/main/docs/rules/`), rule.helpUri);
      assert.ok(fs.existsSync(path.join(repoRoot, 'docs', 'rules', path.basename(rule.helpUri))), rule.helpUri);
    }
  });
});

describe('lockstep check: bad input and usage', () => {
  test('binary and missing files: one clear stderr line each, other files still analysed, exit 2; Latin-1 is read as Windows-1252 with a note', () => {
    const r = lockstep(['bad/binary.c', 'bad/latin1.c', 'bad/missing.c', 'leak']);
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split('\n');
    assert.ok(lines.includes('lockstep check: bad/binary.c: binary file (NUL byte at offset 3); skipped'), r.stderr);
    assert.ok(lines.includes('lockstep check: note: bad/latin1.c: not valid UTF-8 (first bad byte at offset 6); read as Windows-1252'), r.stderr);
    assert.ok(lines.includes('lockstep check: bad/missing.c: no such file or directory'), r.stderr);
    assert.ok(lines.includes('lockstep: 1 finding (1 error) in 2 files'), r.stderr);
    assert.match(r.stdout, /\[lock-leak\]/);
  });

  test('a directory without C files is an input error', () => {
    write('empty/readme.md', '#');
    const r = lockstep(['empty']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'lockstep check: empty: directory holds no .c or .h files\n');
    assert.equal(r.stdout, '');
  });

  test('usage errors exit 2 with a message', () => {
    for (const [args, msg] of [
      [[], /no files given/],
      [['--format', 'xml', 'clean'], /--format must be one of text, json, sarif \(got 'xml'\)/],
      [['--fail-on', 'never', 'clean'], /--fail-on must be one of error, warning, note, none/],
      [['--jobs', '0', 'clean'], /--jobs must be a whole number/],
      [['--bogus', 'clean'], /unknown option '--bogus'/],
      [['clean', '--config'], /--config needs a value/],
    ] as const) {
      const r = lockstep([...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, msg);
      // One error style: the command, the message, where to look.
      assert.match(r.stderr, /^lockstep check: .* \(try lockstep check --help\)\n$/);
    }
    const help = lockstep(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: lockstep check/);
  });

  test('config: found next to the inputs, --config overrides, a bad one is one message and exit 2', () => {
    write('cfg/lockstep.json', '{"disable": ["spin_lock"]}');
    write('cfg/leak.c', LEAK);
    assert.equal(lockstep(['cfg']).code, 0, 'the found config disables spin_lock');
    write('other.json', '{}');
    assert.equal(lockstep(['cfg', '--config', 'other.json']).code, 1, '--config replaces the found one');
    write('bad.json', '{"locks": [{"name": "x", "kind": "take", "family": "f"}]}');
    const bad = lockstep(['cfg', '--config', 'bad.json']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'lockstep check: config error: bad.json: /locks/0/kind: must be one of "acquire", "release", "tryacquire", "destroy"\n');
    write('broken.json', '{\n  "noReturn": [\n}');
    assert.match(lockstep(['cfg', '--config', 'broken.json']).stderr, /^lockstep check: config error: broken\.json:3:1: invalid JSON: /);
    assert.match(lockstep(['cfg', '--config', 'absent.json']).stderr, /absent\.json: no such config file/);
  });
});
