import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { InputError } from '../../src/core/input';
import { macroArg, macrosOfCommand, readCompileCommands, resolveMacros, splitCommand } from '../../src/cli/macros';
import { UsageError } from '../../src/cli/usage';
import { tempDir, writeFile } from './helpers';

/** Issue 21 item 2: -D/-U and compile_commands.json (feature macros were always undefined). */
test('compile commands are split as a shell splits them', () => {
  assert.deepEqual(splitCommand(`cc -DNAME="a b" -D'Q=x y' -DE=\\"s\\" -c  dp/flow.c`), ['cc', '-DNAME=a b', '-DQ=x y', '-DE="s"', '-c', 'dp/flow.c']);
});

test('-D and -U of GCC, Clang and MSVC, attached or apart, in order; a later one wins', () => {
  assert.deepEqual(macrosOfCommand(['cc', '/Users', '-DA']), [{ name: 'A', value: '1', defined: true }], 'a path is not /U for gcc');
  const m = macrosOfCommand(['cl.exe', '-DCONFIG_SMP', '-D', 'HZ=250', '/DNDIS620', '-UHZ', '-I/D/include', '-DX=', 'x.c']);
  assert.deepEqual(m, [
    { name: 'CONFIG_SMP', value: '1', defined: true }, { name: 'HZ', value: '250', defined: true },
    { name: 'NDIS620', value: '1', defined: true }, { name: 'HZ', defined: false }, { name: 'X', value: '', defined: true },
  ]);
  assert.deepEqual([...resolveMacros(m)], [['CONFIG_SMP', '1'], ['NDIS620', '1'], ['X', '']]);
  assert.deepEqual([...resolveMacros([{ name: 'A', value: '1', defined: true }], [{ name: 'A', defined: false }], [{ name: 'A', value: '2', defined: true }])], [['A', '2']]);
});

test('a -D value must name a C identifier', () => {
  assert.deepEqual(macroArg('-D', 'X=1'), { name: 'X', value: '1' });
  assert.throws(() => macroArg('-D', '1X'), (e: unknown) => e instanceof UsageError && /-D needs NAME or NAME=VALUE/.test(e.message));
});

test('compile_commands.json: files resolved against their directory; a broken database is one InputError', () => {
  const dir = tempDir('ccdb');
  const db = writeFile(dir, 'compile_commands.json', JSON.stringify([
    { directory: path.join(dir, 'build'), file: '../dp/flow.c', command: 'gcc -DCONFIG_SMP -c ../dp/flow.c' },
    { directory: dir, file: 'dp/vport.c', arguments: ['clang', '-UCONFIG_SMP', '-DHZ=100', 'dp/vport.c'] },
  ]));
  const m = readCompileCommands(db);
  assert.deepEqual(m.get(path.join(dir, 'dp', 'flow.c')), [{ name: 'CONFIG_SMP', value: '1', defined: true }]);
  assert.deepEqual(m.get(path.join(dir, 'dp', 'vport.c')), [{ name: 'CONFIG_SMP', defined: false }, { name: 'HZ', value: '100', defined: true }]);
  for (const [text, why] of [['{}', /not a compilation database/], ['[{"file": "x.c"}]', /entry 0 has no "file" and "directory"/], ['[', /not JSON/]] as const) {
    assert.throws(() => readCompileCommands(writeFile(dir, 'bad.json', text)), (e: unknown) => e instanceof InputError && why.test(e.message));
  }
});
