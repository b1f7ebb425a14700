import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../src/core/input';
import { directoryBase, gitRevisionBase, OverlayBase } from '../../src/core/patch/baseTree';
import { reviewPatch } from '../../src/core/patch/reviewPatch';
import { baseDir, readFixture } from './helpers/fixtures';
import { textualLeakAnalyzer } from './helpers/textualLeakAnalyzer';

function gitRepoOfBase(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-patch-git-'));
  fs.cpSync(baseDir, dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  return dir;
}

test('--base REV reads committed files with git show, not the working tree', (t) => {
  const dir = gitRepoOfBase();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const committed = fs.readFileSync(path.join(dir, 'datapath', 'vport.c'), 'utf8');
  fs.writeFileSync(path.join(dir, 'datapath', 'vport.c'), 'garbage in the working tree\n');
  const base = gitRevisionBase('HEAD', dir);
  assert.match(base.description, /^git revision HEAD \([0-9a-f]{12}\)$/);
  assert.equal(base.read('datapath/vport.c'), committed);
  assert.equal(base.read('datapath/none.c'), undefined);
  // A whole series reviewed against the revision gives the same answer as against the directory.
  const fromGit = reviewPatch(readFixture('series.mbox'), base, { analyze: textualLeakAnalyzer });
  const fromDir = reviewPatch(readFixture('series.mbox'), directoryBase(baseDir), { analyze: textualLeakAnalyzer });
  assert.deepEqual(fromGit.totals, fromDir.totals);
  assert.deepEqual(fromGit.totals.introduced, 1);
});

test('a bad revision, an option-like revision and a path out of the tree are input errors', (t) => {
  const dir = gitRepoOfBase();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  assert.throws(() => gitRevisionBase('no-such-rev', dir), (e: unknown) => e instanceof InputError && e.message === '--base no-such-rev: not a commit in this repository');
  assert.throws(() => gitRevisionBase('--output=x', dir), (e: unknown) => e instanceof InputError && e.message === '--base --output=x: not a revision');
  assert.throws(() => gitRevisionBase('HEAD', dir).read('../etc/passwd'), (e: unknown) => e instanceof InputError && e.message === 'patch path "../etc/passwd" points outside the base tree');
});

test('directory base: missing files are undefined, missing directory and escapes are errors', () => {
  const base = directoryBase(baseDir);
  assert.equal(base.read('datapath/none.c'), undefined);
  assert.ok(base.read('datapath/vport.c')!.includes('vport_send'));
  assert.throws(() => base.read('../../package.json'), /points outside the base tree/);
  assert.throws(() => directoryBase(path.join(baseDir, 'nope')), /base directory not found/);
});

test('overlay: writes and removals shadow the base', () => {
  const o = new OverlayBase(directoryBase(baseDir));
  o.write('datapath/vport.c', 'new');
  o.remove('datapath-windows/flow.c');
  assert.equal(o.read('datapath/vport.c'), 'new');
  assert.equal(o.read('datapath-windows/flow.c'), undefined);
  o.forget('datapath-windows/flow.c');
  assert.ok(o.read('datapath-windows/flow.c')!.includes('FlowPut'));
});
