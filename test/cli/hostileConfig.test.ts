import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseProjectConfig } from '../../src/core/apis/config';
import { argPatternMatches, MAX_ARG_TEXT } from '../../src/core/apis/argPattern';
import { assertNoCrash, buildCli, runCli, tempDir, writeFile } from './helpers';

/**
 * Issue 22 items 1 and 2 (and the BOM of item 9): a repository's lockstep.json is untrusted input,
 * parsed by the CLI and by the extension host. Validation is linear in its size, lists and strings
 * are capped, and argPattern cannot stall matching. Ceilings catch blow-ups, not speed.
 */
const root = tempDir('hostile-config');
const CEILING_MS = 60_000;

before(buildCli);

function names(n: number, prefix = 'fn'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}_${i}`);
}

function elapsed(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

describe('validation is linear and capped (uniqueItems took 7.4 s for 40k names, >120 s for 1M)', () => {
  test('10,000 names (the cap) validate; a duplicate is named with both places', () => {
    const ok = JSON.stringify({ noReturn: names(10_000), disable: names(10_000, 'd') });
    assert.ok(elapsed(() => parseProjectConfig(ok, 'lockstep.json')) < CEILING_MS);
    const dup = JSON.stringify({ noReturn: [...names(9_999), 'fn_17'] });
    assert.throws(() => parseProjectConfig(dup, 'lockstep.json'), (e: unknown) => e instanceof ConfigError && e.message === 'lockstep.json: /noReturn/9999: "fn_17" is listed twice (first at /noReturn/17)');
  });

  test('1,000,000 names are refused by the list cap, quickly, with one message', () => {
    const huge = JSON.stringify({ noReturn: names(1_000_000) });
    let message = '';
    const ms = elapsed(() => {
      try {
        parseProjectConfig(huge, 'lockstep.json');
      } catch (e) {
        message = e instanceof Error ? e.message : String(e);
      }
    });
    assert.match(message, /^lockstep\.json: \/noReturn: must NOT have more than 10000 items$/);
    assert.ok(ms < CEILING_MS, `${ms} ms`);
  });

  test('strings are capped: a 1 MB name, family or pattern is refused', () => {
    const big = 'x'.repeat(1 << 20);
    for (const cfg of [{ noReturn: [big] }, { locks: [{ name: 'l', kind: 'acquire', family: big }] }, { refs: [{ name: 'r', kind: 'get', argPattern: big }] }]) {
      assert.throws(() => parseProjectConfig(JSON.stringify(cfg), 'lockstep.json'), (e: unknown) => e instanceof ConfigError && /must NOT have more than 256 characters/.test(e.message));
    }
  });

  test('a UTF-8 BOM is accepted, as the editor accepts it (the CLI said "invalid JSON")', () => {
    assert.deepEqual(parseProjectConfig('\ufeff{"noReturn": ["die"]}', 'lockstep.json'), { noReturn: ['die'] });
  });
});

describe('argPattern cannot stall the analysis (^(a+)+$ took 20.9 s on 28 a\'s, doubling per a)', () => {
  test('catastrophic patterns match in linear time on bounded text', () => {
    for (const p of ['^(a+)+$', '^(a|aa)*$', '^(.*a){20}$', 'a*a*a*a*a*a*b']) {
      const ms = elapsed(() => assert.equal(argPatternMatches(p, `${'a'.repeat(MAX_ARG_TEXT - 1)}!`), false));
      assert.ok(ms < CEILING_MS, `${p}: ${ms} ms`);
    }
    // Text past the bound is not looked at.
    assert.equal(argPatternMatches('needle', `${'x'.repeat(MAX_ARG_TEXT)}needle`), false);
    assert.equal(argPatternMatches('REF', '&flow->refcount'), true);
    assert.equal(argPatternMatches('ref|users', '&d->users'), true);
    assert.equal(argPatternMatches('^&?[a-z]+->ref', '&flow->refcount'), true);
  });

  test('lockstep check with a catastrophic argPattern on a 40-character argument finishes', () => {
    const dir = `${root}/redos`;
    writeFile(dir, 'lockstep.json', JSON.stringify({ refs: [{ name: 'my_get', kind: 'get', argPattern: '^(a+)+$' }, { name: 'my_put', kind: 'put', argPattern: '^(a+)+$' }] }));
    const arg = `${'a'.repeat(40)}`;
    writeFile(dir, 'r.c', `struct o { int x; };\nvoid f(struct o *${arg})\n{\n    my_get(${arg}->x);\n    my_get(${arg});\n    if (${arg}->x)\n        return;\n    my_put(${arg});\n}\n`);
    const r = runCli(['check', 'r.c', '--fail-on', 'none'], { cwd: dir, timeoutMs: CEILING_MS });
    assertNoCrash(r, 'ReDoS argPattern');
    assert.equal(r.code, 0, r.stderr);
  });

  test('a pattern RE2 cannot run in linear time (a backreference) is a config error naming the field', () => {
    assert.throws(() => parseProjectConfig(JSON.stringify({ refs: [{ name: 'r', kind: 'get', argPattern: '(a)\\1' }] }), 'lockstep.json'),
      (e: unknown) => e instanceof ConfigError && /^lockstep\.json: \/refs\/0\/argPattern: not a usable regular expression/.test(e.message));
  });
});
