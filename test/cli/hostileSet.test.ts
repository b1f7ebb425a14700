import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { MAX_FINDINGS_PER_FUNCTION, PATH_HEAD_STEPS, PATH_TAIL_STEPS } from '../../src/core/findingCaps';
import { assertNoCrash, buildCli, LEAK_C, runCli, tempDir, writeFile, type CliRun } from './helpers';

/**
 * Issue 22, "done when": another set of hostile inputs of the same kinds as the issue's (written
 * here, not those files) gives bounded time, bounded memory, a one-line error or a capped output,
 * never a stack trace. Every run gets a 1 GB JavaScript heap (`--max-old-space-size`: a blow-up
 * aborts the process, which assertNoCrash reports) and a time ceiling that only a hang reaches.
 */
const root = tempDir('hostile-set');
const CEILING_MS = 240_000;
const HEAP = { NODE_OPTIONS: '--max-old-space-size=1024' };
const posix = process.platform !== 'win32';
let socketServer: net.Server | undefined;

function run(args: string[], cwd = root, input?: string): CliRun {
  const r = runCli(args, { cwd, timeoutMs: CEILING_MS, env: HEAP, ...(input !== undefined ? { input } : {}) });
  assertNoCrash(r, args.join(' '));
  return r;
}

/** Every stderr line is one message in the shared style (no stack frames, no multi-line dumps). */
function oneLineErrors(r: CliRun): void {
  for (const line of r.stderr.split('\n').filter((l) => l.length > 0)) {
    assert.match(line, /^lockstep(?: [a-z]+)?: /, `not a lockstep message: ${line.slice(0, 300)}`);
    assert.ok(line.length < 2000, `a ${line.length}-character line`);
  }
}

function fn(name: string, body: string[]): string {
  return `int ${name}(struct dev *d, int x)\n{\n${body.join('\n')}\n    return 0;\n}\n`;
}

before(async () => {
  buildCli();
  writeFile(root, 'ok.c', LEAK_C);
  if (posix) {
    socketServer = net.createServer();
    await new Promise<void>((resolve) => socketServer!.listen(path.join(root, 'sock.c'), resolve));
  }
});
after(() => socketServer?.close());

describe('reads: things that are not regular files, loops, sizes', { skip: !posix && 'POSIX special files' }, () => {
  test('a socket, /dev/urandom, a link loop, a folder named x.c: one line each, the good file still analysed', () => {
    fs.symlinkSync('/dev/urandom', path.join(root, 'random.c'));
    fs.symlinkSync(path.join(root, 'loop-b.c'), path.join(root, 'loop-a.c'));
    fs.symlinkSync(path.join(root, 'loop-a.c'), path.join(root, 'loop-b.c'));
    fs.mkdirSync(path.join(root, 'dir.c'));
    const r = run(['check', 'ok.c', 'sock.c', 'random.c', 'loop-a.c', 'dir.c/']);
    oneLineErrors(r);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^lockstep check: sock\.c: a socket, not a regular file; skipped$/m);
    assert.match(r.stderr, /^lockstep check: random\.c: a device, not a regular file; skipped$/m);
    assert.match(r.stderr, /^lockstep check: loop-a\.c: no such file or directory$|^lockstep check: loop-a\.c: too many levels of symbolic links \(ELOOP\)$/m);
    assert.match(r.stderr, /^lockstep check: dir\.c\/: directory holds no \.c or \.h files$/m);
    assert.match(r.stdout, /^ok\.c:6:9: error: /m);
  });

  test('a procfs file (size 0, content without end) is read with a cap; a 9 MB file is refused unread', () => {
    const r = run(['check', '/proc/self/status']);
    oneLineErrors(r);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\/proc\/self\/status: does not look like C/);
    writeFile(root, 'big.c', Buffer.alloc(9 * 1024 * 1024, 0x20));
    const big = run(['check', 'big.c']);
    oneLineErrors(big);
    assert.deepEqual([big.code, big.stderr], [2, `lockstep check: big.c: file is ${9 * 1024 * 1024} bytes, over the 8388608-byte limit; skipped\n`]);
  });

  test('a config that is a folder, a link loop, or 5 MB of JSON: one config error', () => {
    for (const [name, make] of [
      ['folder', (p: string): void => fs.mkdirSync(p)],
      ['loop', (p: string): void => { fs.symlinkSync(p, p); }],
      ['huge', (p: string): void => fs.writeFileSync(p, `{"noReturn": [${'"a",'.repeat(1_300_000)}"b"]}`)],
    ] as const) {
      const dir = path.join(root, `cfg-${name}`);
      writeFile(dir, 'a.c', LEAK_C);
      make(path.join(dir, 'lockstep.json'));
      const r = run(['check', 'a.c'], dir);
      oneLineErrors(r);
      assert.equal(r.code, 2, name);
      assert.match(r.stderr, /^lockstep check: config error: .*lockstep\.json: (a directory, not a regular file|too many levels of symbolic links \(ELOOP\)|file is \d+ bytes, over the 4194304-byte limit)\n$/, name);
    }
  });
});

describe('configs written to hurt', () => {
  const cases: [string, string][] = [
    ['100,000 nested arrays', `{"locks": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['20,000 lock entries', JSON.stringify({ locks: Array.from({ length: 20_000 }, (_, i) => ({ name: `l${i}`, kind: 'acquire', family: 'f' })) })],
    ['a __proto__ key', '{"__proto__": {"locks": 1}, "rules": {"__proto__": "off"}}'],
    ['a 300-character family', JSON.stringify({ locks: [{ name: 'l', kind: 'acquire', family: 'f'.repeat(300) }] })],
    ['an exclude glob of 1,000 stars', JSON.stringify({ exclude: ['*'.repeat(1000)] })],
    ['argPattern (x+x+)+y', JSON.stringify({ refs: [{ name: 'obj_get', kind: 'get', argPattern: '(x+x+)+y' }] })],
    ['argPattern with a lookahead', JSON.stringify({ refs: [{ name: 'obj_get', kind: 'get', argPattern: '(?=a)a' }] })],
  ];
  for (const [what, json] of cases) {
    test(`${what}: a one-line config error or a run, never a stack trace`, () => {
      const dir = path.join(root, `c-${what.replace(/\W+/g, '-')}`);
      writeFile(dir, 'lockstep.json', json);
      writeFile(dir, 'a.c', `${LEAK_C}void g(struct obj *${'x'.repeat(60)}) { obj_get(${'x'.repeat(60)}); }\n`);
      const r = run(['check', 'a.c', '--fail-on', 'none'], dir);
      oneLineErrors(r);
      assert.ok(r.code === 0 || (r.code === 2 && /config error/.test(r.stderr)), `${r.code}: ${r.stderr}`);
    });
  }
});

describe('C that makes output or work grow', () => {
  test('a 10,000-case switch where every case leaks: at most 50 findings, capped paths, one note', () => {
    const cases = Array.from({ length: 10_000 }, (_, i) => `    case ${i}: spin_lock(&d->lock); if (d->n == ${i}) return ${i}; spin_unlock(&d->lock); break;`);
    writeFile(root, 'switch.c', `struct dev { int lock; int n; };\n${fn('sw', ['    switch (x) {', ...cases, '    }'])}`);
    const r = run(['check', 'switch.c', '--format', 'json', '--fail-on', 'none']);
    oneLineErrors(r);
    const j = JSON.parse(r.stdout) as { findings: { path: unknown[] }[]; notes: { message: string }[] };
    assert.ok(j.findings.length <= MAX_FINDINGS_PER_FUNCTION);
    for (const f of j.findings) assert.ok(f.path.length <= PATH_HEAD_STEPS + 1 + PATH_TAIL_STEPS);
  });

  test('nested lock/unlock mismatches 3,000 deep and a 40,000-long else-if chain: bounded output', () => {
    const nested: string[] = [];
    for (let i = 0; i < 3000; i++) nested.push(`    if (x > ${i}) { spin_lock(&d->lock);`);
    nested.push('    x++;');
    for (let i = 0; i < 3000; i++) nested.push(i % 2 ? '    spin_unlock(&d->lock); }' : '    }');
    const chain = Array.from({ length: 40_000 }, (_, i) => `    ${i ? 'else ' : ''}if (x == ${i}) { mutex_lock(&d->mu); ${i % 3 ? 'mutex_unlock(&d->mu);' : ''} }`);
    writeFile(root, 'deep.c', `struct dev { int lock; int mu; };\n${fn('deep', nested)}${fn('chain', chain)}`);
    const r = run(['check', 'deep.c', '--fail-on', 'none']);
    oneLineErrors(r);
    assert.ok(r.stdout.length < 2_000_000, `${r.stdout.length} bytes`);
  });

  test('4,000 small leaking functions: every one reported (no per-file cap), output linear in the input', () => {
    const fns = Array.from({ length: 4000 }, (_, i) => fn(`f${i}`, ['    spin_lock(&d->lock);', '    if (x)', '        return -1;', '    spin_unlock(&d->lock);']));
    writeFile(root, 'many.c', `struct dev { int lock; };\n${fns.join('')}`);
    const r = run(['check', 'many.c', '--format', 'sarif']);
    oneLineErrors(r);
    const s = JSON.parse(r.stdout) as { runs: { results: unknown[] }[] };
    assert.equal(s.runs[0]!.results.length, 4000);
  });

  test('a 4 MB line, a 2 MB identifier, 1 MB of CR-only line breaks, braces hidden in 3,000 macros', () => {
    writeFile(root, 'line.c', `struct dev { int lock; };\n${fn('l', [`    ${'x = x + 1; spin_lock(&d->lock); spin_unlock(&d->lock); '.repeat(70_000)}`])}`);
    writeFile(root, 'ident.c', `struct dev { int lock; };\n${fn('i', [`    int ${'q'.repeat(2 << 20)} = x; spin_lock(&d->lock);`])}`);
    writeFile(root, 'cr.c', `struct dev { int lock; };\r${fn('c', Array.from({ length: 60_000 }, (_, i) => `    x += ${i};`)).replace(/\n/g, '\r')}`);
    const macros = Array.from({ length: 3000 }, (_, i) => `#define OPEN${i} {\n#define CLOSE${i} }`).join('\n');
    writeFile(root, 'macro.c', `${macros}\nstruct dev { int lock; };\n${fn('m', Array.from({ length: 3000 }, (_, i) => `    if (x == ${i}) OPEN${i} spin_lock(&d->lock); CLOSE${i}`))}`);
    for (const f of ['line.c', 'ident.c', 'cr.c', 'macro.c']) {
      const r = run(['check', f, '--fail-on', 'none']);
      oneLineErrors(r);
      assert.ok(r.stdout.length < 2_000_000, `${f}: ${r.stdout.length} bytes`);
    }
  });

  test('UTF-32 with a BOM, UTF-16 without one, overlong UTF-8: refused in one line or read with a note', () => {
    writeFile(root, 'u32.c', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from(LEAK_C.split('').map((c) => `${c}\0\0\0`).join(''), 'latin1')]));
    writeFile(root, 'u16nobom.c', Buffer.from(LEAK_C, 'utf16le'));
    writeFile(root, 'overlong.c', Buffer.concat([Buffer.from('/* '), Buffer.from([0xc0, 0xaf, 0xe0, 0x80, 0xaf]), Buffer.from(` */\n${LEAK_C}`)]));
    for (const f of ['u32.c', 'u16nobom.c', 'overlong.c']) {
      const r = run(['check', f, '--fail-on', 'none']);
      oneLineErrors(r);
      if (f === 'overlong.c') assert.match(r.stderr, /note: overlong\.c: not valid UTF-8 .*read as Windows-1252/);
      else assert.match(r.stderr, new RegExp(`^lockstep check: ${f.replace('.', '\\.')}: (binary file|UTF-16LE file)`, 'm'));
    }
  });
});

describe('patches written to hurt', () => {
  test('escaping paths in every spelling, 30,000 hunks, a huge count: one line or a report, never a stack trace', () => {
    const base = path.join(root, 'pbase');
    writeFile(base, 'src/a.c', LEAK_C);
    const hunks = Array.from({ length: 30_000 }, (_, i) => `@@ -${i + 1},1 +${i + 1},1 @@\n-x${i}\n+y${i}`).join('\n');
    const patches: [string, string][] = [
      ['dots', '--- /dev/null\n+++ b/src/./../../x.c\n@@ -0,0 +1 @@\n+int x;\n'],
      ['backslashes', 'diff --git a/src/a.c "b/..\\\\..\\\\x.c"\nnew file mode 100644\n--- /dev/null\n+++ "b/..\\\\..\\\\x.c"\n@@ -0,0 +1 @@\n+int x;\n'],
      ['drive', '--- /dev/null\n+++ C:/Windows/x.c\n@@ -0,0 +1 @@\n+int x;\n'],
      ['copy target', 'diff --git a/src/a.c b/../../copy.c\nsimilarity index 100%\ncopy from src/a.c\ncopy to ../../copy.c\n'],
      ['30,000 hunks', `--- a/src/a.c\n+++ b/src/a.c\n${hunks}\n`],
      ['huge count', '--- a/src/a.c\n+++ b/src/a.c\n@@ -1,99999999 +1,99999999 @@\n-x\n'],
    ];
    for (const [what, text] of patches) {
      for (const format of ['text', 'json', 'sarif']) {
        const r = run(['patch', '-', '--base-dir', base, '--format', format, '--allow-unapplied', '--fail-on', 'none'], root, text);
        oneLineErrors(r);
        assert.ok(r.code === 0 || r.code === 2, `${what} (${format}): exit ${r.code}`);
        assert.ok(!/"(?:\.\.\/|[A-Za-z]:\/|\/)[^"]*x\.c"/.test(format === 'sarif' ? r.stdout : ''), `${what}: an escaping path in SARIF`);
        assert.ok(r.stdout.length < 50_000_000);
      }
    }
  });
});
