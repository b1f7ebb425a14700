import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { analyzeFiles as analyzeSet } from '../../src/core/project';
import { builtinKnowledge } from '../../src/core/apis/builtin';
import { decodeCSource, DEFAULT_MAX_FILE_BYTES, InputError, readCSource } from '../../src/core/input';
import { repoRoot, testParser } from '../helpers/grammar';
import { generateNamed } from './lib/hostileC';
import { Prng } from './lib/prng';

/**
 * The documented size limit refuses big inputs with one message instead of parsing them, and
 * 10,000-deep nesting is analysed without overflowing the stack.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-limits-'));
const TEN_MB = 10 * 1024 * 1024;
const LIMIT_MESSAGE = new RegExp(`over the ${DEFAULT_MAX_FILE_BYTES}-byte limit; skipped`);

function tenMegabyteFile(): string {
  const file = path.join(tmp, 'huge.c');
  const line = 'int f(void) { spin_lock(&l); return 0; }\n';
  fs.writeFileSync(file, line.repeat(Math.ceil(TEN_MB / line.length)));
  return file;
}

describe('input size limit', () => {
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the limit is documented in bytes and below 10 MB', () => {
    assert.equal(DEFAULT_MAX_FILE_BYTES, 8 * 1024 * 1024);
  });

  test('decodeCSource and readCSource refuse a 10 MB input with one InputError naming the limit', () => {
    const file = tenMegabyteFile();
    assert.throws(() => readCSource(file), (e: unknown) => e instanceof InputError && LIMIT_MESSAGE.test(e.message) && e.message.includes(file));
    assert.throws(() => decodeCSource(new Uint8Array(TEN_MB), 'big.c'), (e: unknown) => e instanceof InputError && LIMIT_MESSAGE.test(e.message));
  });

  test('lockstep check on a 10 MB file prints one message and exits 2 without parsing it', () => {
    const file = tenMegabyteFile();
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts'), 'check', file], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    const lines = r.stderr.trim().split('\n');
    assert.equal(r.status, 2, r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, LIMIT_MESSAGE);
    assert.equal(r.stdout, '');
    // Parsing and analysing 10 MB takes minutes; refusing it takes process start-up only.
    assert.ok(Date.now() - t0 < 60_000);
  });
});

describe('deep nesting does not overflow the stack', () => {
  let parser: Parser;
  before(async () => {
    parser = await testParser();
  });
  after(() => parser.delete());

  for (const kind of ['nested-blocks', 'nested-ifs', 'nested-parens', 'else-if-chain']) {
    test(`${kind}, 10,000 levels`, { timeout: 120_000 }, () => {
      const text = generateNamed(kind, new Prng(3), true);
      const r = analyzeSet(parser, [{ uri: 'file:///deep.c', text }], { knowledge: builtinKnowledge() });
      assert.equal(r.files.length, 1);
    });
  }
});
