import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertNoCrash, buildCli, LEAK_C, runCli, tempDir, writeFile } from './helpers';

/**
 * Issue 22 items 3, 6 and 9, issue 21 item 4: what a repository can put where `lockstep check`
 * reads. Each case fails on the old code (a hang, a stack trace, a wrong line, a silent skip) and
 * passes now; time limits are ceilings that catch hangs and blow-ups, not speed checks.
 */
const root = tempDir('hostile-inputs');
const HANG_CEILING_MS = 60_000;
const posix = process.platform !== 'win32';

before(() => {
  buildCli();
  writeFile(root, 'ok/leak.c', LEAK_C);
});

function leakLine(stdout: string): string | undefined {
  return /^[^\n]*:(\d+):\d+: error: [^\n]*\[lock-leak\]$/m.exec(stdout)?.[1];
}

describe('special files are refused with one line, never read', { skip: !posix && 'FIFOs and /dev/zero are POSIX' }, () => {
  test('a FIFO as an input, as --config, as the lockstep.json found beside the inputs, as a patch, as simulate --file: one line, exit 2, no hang', () => {
    const dir = path.join(root, 'fifo');
    fs.mkdirSync(dir, { recursive: true });
    writeFile(dir, 'a.c', LEAK_C);
    execFileSync('mkfifo', [path.join(dir, 'pipe.c'), path.join(dir, 'cfg.json'), path.join(dir, 'p.patch')]);
    const asInput = runCli(['check', 'a.c', 'pipe.c'], { cwd: dir, timeoutMs: HANG_CEILING_MS });
    assertNoCrash(asInput, 'FIFO input');
    assert.equal(asInput.code, 2);
    assert.match(asInput.stderr, /^lockstep check: pipe\.c: a named pipe \(FIFO\), not a regular file; skipped$/m);
    assert.equal(leakLine(asInput.stdout), '6', 'the other file is still analysed');

    const asConfig = runCli(['check', 'a.c', '--config', 'cfg.json'], { cwd: dir, timeoutMs: HANG_CEILING_MS });
    assertNoCrash(asConfig, 'FIFO config');
    assert.deepEqual([asConfig.code, asConfig.stderr], [2, 'lockstep check: config error: cfg.json: a named pipe (FIFO), not a regular file\n']);

    const asPatch = runCli(['patch', 'p.patch'], { cwd: dir, timeoutMs: HANG_CEILING_MS });
    assertNoCrash(asPatch, 'FIFO patch');
    assert.equal(asPatch.code, 2);
    assert.match(asPatch.stderr, /^lockstep patch: p\.patch: a named pipe \(FIFO\), not a regular file/);

    const asFile = runCli(['simulate', '--file', 'pipe.c', '--packet', 'a', '--put', 'b'], { cwd: dir, timeoutMs: HANG_CEILING_MS });
    assertNoCrash(asFile, 'FIFO simulate --file');
    assert.equal(asFile.code, 2);
    assert.match(asFile.stderr, /^lockstep simulate: .*pipe\.c: a named pipe \(FIFO\), not a regular file/);
    assert.equal(asFile.stderr.trim().split('\n').length, 1, asFile.stderr);

    const found = path.join(root, 'fifo-found');
    fs.mkdirSync(found, { recursive: true });
    writeFile(found, 'a.c', LEAK_C);
    execFileSync('mkfifo', [path.join(found, 'lockstep.json')]);
    const asFound = runCli(['check', 'a.c'], { cwd: found, timeoutMs: HANG_CEILING_MS });
    assertNoCrash(asFound, 'FIFO lockstep.json');
    assert.equal(asFound.code, 2);
    assert.match(asFound.stderr, /lockstep\.json: a named pipe \(FIFO\), not a regular file\n$/);
  });

  test('lockstep.json -> /dev/zero and x.c -> /dev/zero: refused at once, memory bounded (it grew past 4 GB)', () => {
    const dir = path.join(root, 'zero');
    fs.mkdirSync(dir, { recursive: true });
    writeFile(dir, 'a.c', LEAK_C);
    fs.symlinkSync('/dev/zero', path.join(dir, 'lockstep.json'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.c'));
    const r = runCli(['check', 'a.c'], { cwd: dir, timeoutMs: HANG_CEILING_MS });
    assertNoCrash(r, '/dev/zero config');
    assert.deepEqual([r.code, r.stderr], [2, `lockstep check: config error: ${path.join(dir, 'lockstep.json')}: a device, not a regular file\n`]);
    const asInput = runCli(['check', 'zero.c', '--config', 'a.c.json'], { cwd: dir, timeoutMs: HANG_CEILING_MS });
    assertNoCrash(asInput, '/dev/zero input');
    assert.equal(asInput.code, 2);
  });
});

describe('folders', () => {
  test('an unreadable subfolder is one input error and the walk goes on (it was a stack trace from readdirSync)', { skip: !posix && 'POSIX permissions' }, () => {
    const dir = path.join(root, 'walk');
    writeFile(dir, 'src/leak.c', LEAK_C);
    writeFile(dir, 'src/secret/hidden.c', LEAK_C);
    fs.chmodSync(root, 0o755);
    fs.chmodSync(path.join(dir, 'src', 'secret'), 0o000);
    // root reads everything: run as nobody then (the files above are world-readable).
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = runCli(['check', 'src'], { cwd: dir, timeoutMs: HANG_CEILING_MS, ...asNobody });
    fs.chmodSync(path.join(dir, 'src', 'secret'), 0o755);
    assertNoCrash(r, 'unreadable folder');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^lockstep check: src\/secret: cannot list folder: permission denied \(EACCES\); skipped$/m);
    assert.equal(leakLine(r.stdout), '6', 'the readable file is still analysed');
  });

  test('symbolic links to C files and folders are followed, each real folder once (a loop ends)', { skip: !posix && 'symlinks' }, () => {
    const dir = path.join(root, 'links');
    writeFile(dir, 'real/leak.c', LEAK_C);
    fs.mkdirSync(path.join(dir, 'tree'), { recursive: true });
    fs.symlinkSync(path.join(dir, 'real', 'leak.c'), path.join(dir, 'tree', 'linked.c'));
    fs.symlinkSync(path.join(dir, 'tree'), path.join(dir, 'tree', 'loop'));
    fs.symlinkSync(path.join(dir, 'nowhere.c'), path.join(dir, 'tree', 'dangling.c'));
    const r = runCli(['check', 'tree'], { cwd: dir, timeoutMs: HANG_CEILING_MS });
    assertNoCrash(r, 'symlinks');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^tree\/linked\.c:6:9: error: .*\[lock-leak\]$/m);
    assert.equal(r.stderr, 'lockstep: 1 finding (1 error) in 1 file\n');
  });
});

describe('encodings and line endings', () => {
  const leakLf = LEAK_C;
  const cases: [string, Buffer][] = [
    ['utf16le.c', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(leakLf, 'utf16le')])],
    ['utf16be.c', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(leakLf, 'utf16le').swap16()])],
    ['utf8bom.c', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(leakLf)])],
    ['cr.c', Buffer.from(leakLf.replace(/\n/g, '\r'))],
    ['crlf.c', Buffer.from(leakLf.replace(/\n/g, '\r\n'))],
    ['cp1252.c', Buffer.from(`/* Copyright \x93Fa\xe7ade\x94 \xa9 */\n${leakLf.split('\n').slice(1).join('\n')}`, 'latin1')],
  ];
  for (const [name, bytes] of cases) {
    test(`${name}: analysed, the leak on its real line (UTF-16 was "binary", lone CR put it on line 1, CP-1252 was skipped)`, () => {
      const dir = path.join(root, 'enc');
      writeFile(dir, name, bytes);
      const r = runCli(['check', name], { cwd: dir });
      assertNoCrash(r, name);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(leakLine(r.stdout), '6', r.stdout);
      if (name.startsWith('utf16')) assert.match(r.stderr, /note: utf16..\.c: read as UTF-16[LB]E \(byte-order mark\)/);
      if (name === 'cp1252.c') assert.match(r.stderr, /^lockstep check: note: cp1252\.c: not valid UTF-8 \(first bad byte at offset 13\); read as Windows-1252$/m);
    });
  }
});

describe('inputs that are not C (issue 21 item 4: they printed "0 findings", exit 0)', () => {
  test('a C++ file, a text file: skipped with a note; alone they are an input error (exit 2)', () => {
    const dir = path.join(root, 'notc');
    writeFile(dir, 'm.cpp', 'std::mutex m;\nint f(int x) { m.lock(); if (x) return 1; m.unlock(); return 0; }\n');
    writeFile(dir, 'locks.h', 'namespace dp {\nclass Table { public: void lock(); };\n}\n');
    writeFile(dir, 'readme.txt', 'This folder holds the flow table.\nSee the design notes.\n');
    writeFile(dir, 'a.c', LEAK_C);
    for (const [file, why] of [
      ['m.cpp', 'a C++ file (.cpp); Lockstep analyses C'],
      ['locks.h', 'looks like C++ (templates or namespaces); Lockstep analyses C'],
      ['readme.txt', 'does not look like C (no statement, brace or preprocessor line; extension .txt)'],
    ] as const) {
      const alone = runCli(['check', file], { cwd: dir });
      assertNoCrash(alone, file);
      assert.equal(alone.code, 2, `${file}: ${alone.stderr}`);
      assert.equal(alone.stderr, `lockstep check: ${file}: ${why}; skipped\nlockstep check: no C file to analyse among the inputs\n`);
      assert.equal(alone.stdout, '');
    }
    const mixed = runCli(['check', 'a.c', 'm.cpp', 'readme.txt'], { cwd: dir });
    assert.equal(mixed.code, 1);
    assert.match(mixed.stderr, /^lockstep check: note: m\.cpp: a C\+\+ file \(\.cpp\); Lockstep analyses C; skipped$/m);
    assert.match(mixed.stderr, /^lockstep: 1 finding \(1 error\) in 1 file$/m);
  });

  test('broken C that hides lock calls gets an analysis-incomplete note naming its lines (it was "0 findings")', () => {
    const dir = path.join(root, 'broken');
    writeFile(dir, 'broken.c', 'int f( { spin_lock(&a); return ; }}}\n');
    const alone = runCli(['check', 'broken.c', '--format', 'json'], { cwd: dir });
    assertNoCrash(alone, 'broken.c');
    const notes = (JSON.parse(alone.stdout) as { findings: { ruleId: string; message: string; range: { start: { line: number; column: number } } }[] }).findings;
    assert.equal(notes.length, 1, alone.stdout);
    assert.equal(notes[0]!.ruleId, 'analysis-incomplete');
    assert.deepEqual(notes[0]!.range.start, { line: 1, column: 10 });
    assert.match(notes[0]!.message, /^code around line 1 does not parse \(.*\) and hides `spin_lock`: it was not analysed/);
    // The damage swallows the next function too; the one before it is analysed as usual (its leak is found).
    writeFile(dir, 'two.c', `${LEAK_C}int f( { spin_lock(&a); return ; }}}\nint h(void) { mutex_lock(&b); mutex_unlock(&b); return 0; }\n`);
    const two = runCli(['check', 'two.c'], { cwd: dir });
    const first = LEAK_C.split('\n').length;
    assert.match(two.stdout, /\[lock-leak\]$/m, two.stdout);
    assert.match(two.stdout, new RegExp(`^two\\.c:${first}:10: note: code around line ${first} does not parse \\(.*\\) and hides \`spin_lock\`, \`mutex_lock\`, \`mutex_unlock\`: .*\\[analysis-incomplete\\]$`, 'm'), two.stdout);
    // Parse damage that hides no lock or reference call says nothing (real code has unknown macros).
    writeFile(dir, 'quiet.c', `${LEAK_C}int g( { x = 1; return ; }}}\n`);
    const quiet = runCli(['check', 'quiet.c'], { cwd: dir });
    assert.doesNotMatch(quiet.stdout, /analysis-incomplete/, quiet.stdout);
  });

  test('C that mentions C++ words in comments and strings is still C', () => {
    const dir = path.join(root, 'notc2');
    writeFile(dir, 'c.c', `/* class Foo { public: }; std::vector */\nconst char *s = "namespace x {";\n${LEAK_C}`);
    const r = runCli(['check', 'c.c'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
  });

  test('a C header with C++ helpers under #ifdef __cplusplus is still C (a C compiler never sees them)', () => {
    const dir = path.join(root, 'notc3');
    const header = '#ifndef UTIL_H\n#define UTIL_H 1\n#ifdef __cplusplus\ntemplate <typename T>\nstruct check { };\n#define ARRAY_SIZE(a) (sizeof check<a>)\n#else\n#define ARRAY_SIZE(a) (sizeof (a) / sizeof *(a))\n#endif\n'
      + 'void grab(spinlock_t *l) __acquires(l);\n#endif\n';
    writeFile(dir, 'util.h', header);
    writeFile(dir, 'a.c', LEAK_C);
    const r = runCli(['check', 'util.h', 'a.c'], { cwd: dir });
    assert.doesNotMatch(r.stderr, /looks like C\+\+/);
    assert.equal(r.code, 1, r.stderr);
  });

  test('… and so is one whose C++ helpers are the #elif defined(__cplusplus) alternative of a GNU C branch', () => {
    const dir = path.join(root, 'notc4');
    const header = '#ifndef UTIL_H\n#define UTIL_H 1\n#if __GNUC__ && !defined(__cplusplus)\n#define IS_ARRAY(a) (!__builtin_types_compatible_p(typeof(a), typeof(&a[0])))\n'
      + '#elif defined(__cplusplus)\ntemplate <typename T, size_t N>\nconstexpr size_t n_of(T (&)[N]) { return N; }\n#else\n#define IS_ARRAY(a) 1\n#endif\n'
      + 'void grab(spinlock_t *l) __acquires(l);\n#endif\n';
    writeFile(dir, 'util.h', header);
    writeFile(dir, 'a.c', LEAK_C);
    const r = runCli(['check', 'util.h', 'a.c'], { cwd: dir });
    assert.doesNotMatch(r.stderr, /looks like C\+\+/);
    assert.equal(r.code, 1, r.stderr);
  });
});
