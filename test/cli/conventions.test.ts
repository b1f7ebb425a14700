import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseColorMode, palette, useColor } from '../../src/cli/color';
import { fileSink, StringSink } from '../../src/cli/output';
import { UsageError, errorLine, oneLine, usageLine } from '../../src/cli/usage';
import { jsonEnvelope } from '../../src/core/report/envelope';
import { jsonChunks, writeJson } from '../../src/core/report/jsonStream';
import { buildCli, runCli, tempDir } from './helpers';

describe('one error style', () => {
  test('an unknown option reads the same in every command (simulate said it unquoted)', () => {
    buildCli();
    const cwd = tempDir('unknown-option');
    for (const cmd of ['check', 'patch', 'simulate']) {
      const r = runCli([cmd, '--bogus'], { cwd });
      assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `lockstep ${cmd}: unknown option '--bogus' (try lockstep ${cmd} --help)\n`);
    }
  });

  test('usage errors name the command and point at its help; other errors name the command', () => {
    assert.equal(usageLine('check', "unknown option '--x'"), "lockstep check: unknown option '--x' (try lockstep check --help)\n");
    assert.equal(errorLine('patch', 'a.patch: no such file'), 'lockstep patch: a.patch: no such file\n');
  });
  test('a message quoting user text stays on one bounded line', () => {
    assert.equal(oneLine('a\nb\r\nc\u2028d'), 'a b c d');
    assert.equal(oneLine('x'.repeat(2000)).length, 501);
    assert.equal(usageLine('check', 'bad\nvalue').split('\n').length, 2);
  });
});

describe('--color and NO_COLOR', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  test('auto colours a terminal only', () => {
    assert.equal(useColor('auto', tty, {}), true);
    assert.equal(useColor('auto', pipe, {}), false);
    assert.equal(useColor('auto', {}, {}), false);
    assert.equal(useColor('auto', tty, { TERM: 'dumb' }), false);
  });
  test('NO_COLOR (not empty) turns auto off; FORCE_COLOR turns it on; the flag beats both', () => {
    assert.equal(useColor('auto', tty, { NO_COLOR: '1' }), false);
    assert.equal(useColor('auto', tty, { NO_COLOR: '' }), true);
    assert.equal(useColor('auto', pipe, { FORCE_COLOR: '1' }), true);
    assert.equal(useColor('auto', pipe, { FORCE_COLOR: '0' }), false);
    assert.equal(useColor('always', pipe, { NO_COLOR: '1' }), true);
    assert.equal(useColor('never', tty, { FORCE_COLOR: '1' }), false);
  });
  test('the palette is the identity without colour and ANSI SGR with it', () => {
    assert.equal(palette(false).error('x'), 'x');
    assert.equal(palette(true).error('x'), '\x1b[31mx\x1b[39m');
  });
  test('a wrong mode is a usage error naming the choices', () => {
    assert.equal(parseColorMode('never'), 'never');
    assert.throws(() => parseColorMode('yes'), (e: unknown) => e instanceof UsageError && /auto, always, never \(got 'yes'\)/.test(e.message));
  });
});

describe('one JSON envelope, written in pieces', () => {
  test('the envelope says shape version, tool and 1-based positions', () => {
    const e = jsonEnvelope();
    assert.deepEqual(Object.keys(e), ['formatVersion', 'tool', 'positions']);
    assert.equal(e.tool.name, 'lockstep');
    assert.equal(e.positions, '1-based');
  });

  test('streamed JSON is byte-identical to JSON.stringify(value, null, 2)', () => {
    const values: unknown[] = [
      null, 0, -1.5, 'x"\n\u2028', true, [], {}, [[]], [{}], { a: [] }, { a: undefined, b: 1, c: () => 1 },
      [undefined, () => 1, Number.NaN, Infinity], { nested: { deeper: [1, { x: 'y' }, [2, 3]] }, s: 'é' },
      { toJSON: () => ({ replaced: true }) }, new Map([[1, 2]]),
      { findings: Array.from({ length: 50 }, (_, i) => ({ line: i, path: [{ step: i, msg: `m${i}` }] })) },
    ];
    for (const v of values) {
      assert.equal([...jsonChunks(v, 7)].join(''), `${JSON.stringify(v, null, 2)}\n`, JSON.stringify(v));
    }
  });

  test('a document larger than one string may hold is written without building it', () => {
    // 60 chunks of 10 MB-ish each would overflow V8's string limit as one JSON.stringify; here we
    // only check that no chunk grows with the document.
    const big = { items: Array.from({ length: 20_000 }, (_, i) => ({ i, text: 'x'.repeat(100) })) };
    let max = 0;
    let total = 0;
    writeJson(big, (c) => {
      max = Math.max(max, c.length);
      total += c.length;
    });
    assert.ok(total > 2_000_000);
    assert.ok(max < 70_000, `largest chunk ${max}`);
  });
});

describe('output sinks', () => {
  test('a file sink writes everything, in order, and closes', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-sink-')), 'out.txt');
    const sink = fileSink(file);
    for (let i = 0; i < 10_000; i++) sink.write(`line ${i}\n`);
    sink.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.length, 10_001);
    assert.equal(lines[9_999], 'line 9999');
  });
  test('a string sink keeps the text', () => {
    const s = new StringSink();
    s.write('a');
    s.write('b');
    assert.equal(s.text(), 'ab');
  });
});
