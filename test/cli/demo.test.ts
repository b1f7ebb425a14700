import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from '../helpers/grammar';
import { buildCli } from './helpers';

/** Issue 21 item 6: `npm run demo` wrote raw escape codes into pipes. */
before(buildCli);

const demo = (env: NodeJS.ProcessEnv): string => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'demo.mjs')], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout + r.stderr;
};

test('into a pipe the demo writes no escape codes; FORCE_COLOR brings them back', () => {
  const plain = demo({});
  assert.match(plain, /^\$ lockstep check media\/samples {3}# /m);
  assert.ok(!plain.includes('\x1b['), JSON.stringify(plain.slice(0, 200)));
  assert.ok(demo({ FORCE_COLOR: '1' }).includes('\x1b[1m$ lockstep check media/samples'));
});
