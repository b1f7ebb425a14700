import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtinKnowledge } from '../../src/core/apis/builtin';
import {
  ConfigError, findProjectConfig, knowledgeFromConfigFile, loadProjectConfig, mergeKnowledge, parseProjectConfig,
} from '../../src/core/apis/config';
import { jsonErrorOffset, lineColumnOf } from '../../src/core/apis/jsonLocation';

function configError(text: string): string {
  try {
    parseProjectConfig(text, 'proj/lockstep.json');
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('config was accepted');
}

describe('project config: valid files', () => {
  test('an empty object is a valid config and changes nothing', () => {
    const k = mergeKnowledge(builtinKnowledge(), parseProjectConfig('{}', 'lockstep.json'));
    assert.deepEqual(k, builtinKnowledge());
  });

  test('adds a lock pair, a non-returning call, a mutator and a ref API; fills defaults', () => {
    const cfg = parseProjectConfig(JSON.stringify({
      $schema: './node_modules/lockstep/schemas/lockstep.schema.json',
      locks: [
        { name: 'tbl_lock', kind: 'acquire', family: 'tbl' },
        { name: 'tbl_unlock', kind: 'release', family: 'tbl' },
        { name: 'cfg_lock', kind: 'acquire', family: 'cfg', implicitLock: 'cfg_mutex' },
        { name: 'tbl_trylock', kind: 'tryacquire', family: 'tbl', trySuccess: 'zero' },
      ],
      refs: [{ name: 'flow_get', kind: 'get', objFrom: 'field' }, { name: 'flow_find', kind: 'returnsRef', success: 'nonnull' }],
      noReturn: ['my_fatal'],
      mutators: [{ name: 'tbl_del', containerArg: 0 }],
      flowTable: { lookup: ['OvsLookupFlow'], free: ['OvsFreeFlow'] },
    }), 'lockstep.json');
    const k = mergeKnowledge(builtinKnowledge(), cfg);
    const lock = (n: string) => k.locks.find((a) => a.name === n);
    assert.deepEqual(lock('tbl_lock'), { name: 'tbl_lock', kind: 'acquire', family: 'tbl', lockArg: 0, mode: 'exclusive' });
    assert.deepEqual(lock('tbl_unlock'), { name: 'tbl_unlock', kind: 'release', family: 'tbl', lockArg: 0 });
    assert.equal(lock('cfg_lock')?.lockArg, -1);
    assert.equal(lock('tbl_trylock')?.trySuccess, 'zero');
    assert.deepEqual(k.refs.find((r) => r.name === 'flow_get'), { name: 'flow_get', kind: 'get', objArg: 0, objFrom: 'field' });
    assert.equal(k.refs.find((r) => r.name === 'flow_find')?.objArg, undefined);
    assert.ok(k.noReturn.some((n) => n.name === 'my_fatal'));
    assert.ok(k.noReturn.some((n) => n.name === 'abort'), 'built-ins stay');
    assert.equal(k.mutators.find((m) => m.name === 'tbl_del')?.containerArg, 0);
    assert.deepEqual(k.flowTable, { lookup: ['OvsLookupFlow'], insert: [], remove: [], free: ['OvsFreeFlow'], use: [] });
    assert.equal(k.locks.length, builtinKnowledge().locks.length + 4);
  });

  test('an entry named like a built-in replaces it; disable removes built-ins of any kind', () => {
    const cfg = parseProjectConfig(JSON.stringify({
      locks: [{ name: 'spin_trylock', kind: 'tryacquire', family: 'linux-spin', trySuccess: 'zero' }],
      disable: ['mutex_lock', 'exit', 'hmap_remove', 'kfree'],
    }), 'lockstep.json');
    const base = builtinKnowledge();
    const k = mergeKnowledge(base, cfg);
    assert.equal(k.locks.filter((a) => a.name === 'spin_trylock').length, 1);
    assert.equal(k.locks.find((a) => a.name === 'spin_trylock')?.trySuccess, 'zero');
    assert.equal(k.locks.length, base.locks.length - 1);
    assert.ok(!k.locks.some((a) => a.name === 'mutex_lock'));
    assert.ok(!k.noReturn.some((a) => a.name === 'exit'));
    assert.ok(!k.mutators.some((a) => a.name === 'hmap_remove'));
    assert.ok(!k.refs.some((a) => a.name === 'kfree'));
  });
});

describe('project config: lock-held assertions', () => {
  test('a project adds its own assertion (SQLite style) next to the built-in lockdep ones; a bad mode is refused', () => {
    const cfg = parseProjectConfig(JSON.stringify({ heldAssertions: [{ name: 'sqlite3_mutex_held', lockArg: 0 }] }), 'lockstep.json');
    const k = mergeKnowledge(builtinKnowledge(), cfg);
    const names = (k.heldAssertions ?? []).map((a) => a.name);
    assert.ok(names.includes('sqlite3_mutex_held') && names.includes('lockdep_assert_held'), names.join(', '));
    assert.equal(k.heldAssertions?.find((a) => a.name === 'lockdep_assert_held_read')?.mode, 'shared');
    const off = mergeKnowledge(builtinKnowledge(), parseProjectConfig(JSON.stringify({ disable: ['lockdep_assert_held'] }), 'lockstep.json'));
    assert.ok(!(off.heldAssertions ?? []).some((a) => a.name === 'lockdep_assert_held'));
    assert.match(configError(JSON.stringify({ heldAssertions: [{ name: 'x_held', lockArg: 0, mode: 'write' }] })), /heldAssertions\/0\/mode/);
  });
});

describe('project config: invalid files give one message with file, field and problem', () => {
  test('unknown top-level property', () => {
    assert.equal(configError('{"lock": []}'), 'proj/lockstep.json: /lock: unknown property "lock"');
  });

  test('bad enum value names the allowed values', () => {
    assert.equal(
      configError('{"locks": [{"name": "a", "kind": "aquire", "family": "x"}]}'),
      'proj/lockstep.json: /locks/0/kind: must be one of "acquire", "release", "tryacquire", "destroy"',
    );
  });

  test('missing required property', () => {
    assert.equal(configError('{"locks": [{"name": "a", "kind": "acquire"}]}'), 'proj/lockstep.json: /locks/0/family: missing required property "family"');
  });

  test('a try-acquire must say its success value', () => {
    assert.match(configError('{"locks": [{"name": "t", "kind": "tryacquire", "family": "x"}]}'), /\/locks\/0\/trySuccess: missing required property "trySuccess"/);
  });

  test('wrong types and bad names', () => {
    assert.match(configError('{"mutators": [{"name": "m", "containerArg": "0"}]}'), /^proj\/lockstep\.json: \/mutators\/0\/containerArg: must be integer/);
    assert.match(configError('{"noReturn": ["my fatal"]}'), /\/noReturn\/0: must be a C identifier/);
    assert.match(configError('{"refs": [{"name": "r", "kind": "get", "objArg": -1}]}'), /\/refs\/0\/objArg: must be >= 0/);
    assert.match(configError('{"flowTable": {"lookup": "OvsLookupFlow"}}'), /\/flowTable\/lookup: must be array/);
    assert.match(configError('[]'), /proj\/lockstep\.json: \/: must be object/);
  });

  test('several problems: the first is named and the rest counted', () => {
    assert.match(configError('{"a": 1, "b": 2}'), /unknown property "a" \(and 1 more problem\)$/);
  });

  test('an invalid regular expression in argPattern', () => {
    assert.match(configError('{"refs": [{"name": "r", "kind": "get", "argPattern": "("}]}'), /\/refs\/0\/argPattern: not a usable regular expression \(error parsing regexp: missing closing \): `\(`\)$/);
    // RE2 syntax: backreferences (exponential in a backtracking engine) are refused.
    assert.match(configError('{"refs": [{"name": "r", "kind": "get", "argPattern": "(a)\\\\1"}]}'), /argPattern: not a usable regular expression \(error parsing regexp: invalid escape sequence/);
  });

  test('invalid JSON names line and column', () => {
    assert.match(configError('{\n  "locks": [\n    {"name": "a",}\n  ]\n}'), /^proj\/lockstep\.json:3:18: invalid JSON: /);
    assert.match(configError('{"locks": ['), /^proj\/lockstep\.json:1:12: invalid JSON: /);
    assert.match(configError(''), /^proj\/lockstep\.json:1:1: invalid JSON: /);
  });
});

describe('project config: files on disk', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-config-'));
  fs.mkdirSync(path.join(root, 'proj', 'datapath', 'sub'), { recursive: true });
  fs.mkdirSync(path.join(root, 'proj', '.git'));
  fs.writeFileSync(path.join(root, 'proj', 'lockstep.json'), '{"noReturn": ["dp_fatal"]}');
  fs.writeFileSync(path.join(root, 'proj', 'datapath', 'sub', 'a.c'), 'int x;');
  fs.mkdirSync(path.join(root, 'other', '.git'), { recursive: true });

  test('found in the common directory of the inputs or a parent, not past a .git folder', () => {
    assert.equal(findProjectConfig([path.join(root, 'proj', 'datapath', 'sub', 'a.c')]), path.join(root, 'proj', 'lockstep.json'));
    assert.equal(findProjectConfig([path.join(root, 'proj', 'datapath'), path.join(root, 'proj', 'datapath', 'sub')]), path.join(root, 'proj', 'lockstep.json'));
    assert.equal(findProjectConfig([path.join(root, 'other')]), undefined);
  });

  test('loaded and merged; a missing file is a ConfigError naming it', () => {
    const k = knowledgeFromConfigFile(path.join(root, 'proj', 'lockstep.json'));
    assert.ok(k.noReturn.some((n) => n.name === 'dp_fatal'));
    assert.throws(() => loadProjectConfig(path.join(root, 'nope.json')), (e: unknown) => e instanceof ConfigError && e.message.endsWith('nope.json: no such config file'));
    assert.deepEqual(knowledgeFromConfigFile(undefined), builtinKnowledge());
  });
});

describe('JSON error location', () => {
  test('points at the first offending character', () => {
    assert.equal(jsonErrorOffset('{"a": 1}'), -1);
    assert.equal(jsonErrorOffset('{"a": 1,}'), 8);
    assert.equal(jsonErrorOffset('{"a": tru}'), 9);
    assert.equal(jsonErrorOffset('[1, 2] x'), 7);
    assert.equal(jsonErrorOffset('"\\q"'), 2);
    assert.deepEqual(lineColumnOf('ab\ncd', 4), { line: 2, column: 2 });
  });
});
