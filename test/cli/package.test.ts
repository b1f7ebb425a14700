import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VERSION } from '../../src/core/version';
import { repoRoot } from '../helpers/grammar';
import { buildCli, LEAK_C, tempDir, writeFile } from './helpers';

/**
 * Issue 21 item 1: the CLI only ran inside the clone (`npx lockstep` asked the registry for
 * somebody else's `lockstep`). The documented install — `npm run pack:cli`, then
 * `npm install -g ./lockstep-dev-cli-<version>.tgz` — is run here into a temporary prefix, with an
 * unreachable registry (the package must need none), and all three commands are run from a folder
 * outside the clone. Item 9: the manifest a marketplace page is built from is complete.
 */
const work = tempDir('package');
const prefix = path.join(work, 'prefix');
const elsewhere = path.join(work, 'elsewhere');
const bin = process.platform === 'win32' ? path.join(prefix, 'lockstep.cmd') : path.join(prefix, 'bin', 'lockstep');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The environment without the outer npm's settings (`npm test` exports npm_config_*), so flags decide. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith('npm_')) env[k] = v;
  return env;
}

let tarball = '';

before(() => {
  buildCli();
  const pack = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'packCli.mjs'), '--out', work, '--no-build'], { cwd: repoRoot, encoding: 'utf8', env: cleanEnv(), timeout: 300_000 });
  assert.equal(pack.status, 0, pack.stderr);
  tarball = pack.stdout.trim().split('\n').at(-1)!;
  assert.equal(path.basename(tarball), `lockstep-dev-cli-${VERSION}.tgz`);
  fs.mkdirSync(elsewhere, { recursive: true });
  const install = spawnSync(npm, ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', '--registry', 'http://127.0.0.1:9', tarball], {
    cwd: elsewhere, encoding: 'utf8', env: { ...cleanEnv(), npm_config_cache: path.join(work, 'npm-cache') }, timeout: 300_000,
  });
  assert.equal(install.status, 0, `npm install -g of the tarball must work offline:\n${install.stdout}${install.stderr}`);
});

function lockstep(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { cwd: elsewhere, encoding: 'utf8', timeout: 120_000, ...(input !== undefined ? { input } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the installed CLI, from a folder outside the clone', () => {
  test('lockstep --version', () => {
    assert.deepEqual(lockstep(['--version']), { code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  test('lockstep check', () => {
    writeFile(elsewhere, 'x.c', LEAK_C);
    const r = lockstep(['check', 'x.c']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^x\.c:6:9: error: .*\[lock-leak\]$/m);
    assert.equal(r.stderr, 'lockstep: 1 finding (1 error) in 1 file\n');
  });

  test('lockstep patch', () => {
    writeFile(elsewhere, 'tree/x.c', LEAK_C.replace('    if (x)\n        return -1;\n', ''));
    const patch = '--- a/x.c\n+++ b/x.c\n@@ -2,6 +2,8 @@\n int leaky(struct dp *d, int x)\n {\n     spin_lock(&d->lock);\n+    if (x)\n+        return -1;\n     spin_unlock(&d->lock);\n     return 0;\n }\n';
    const r = lockstep(['patch', '-', '--base-dir', 'tree'], patch);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /introduced: x\.c:6:9: error: .*\[lock-leak\]/);
  });

  test('lockstep simulate', () => {
    const r = lockstep(['simulate', '--list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^seed-workflow /m);
  });

  test('lockstep explain reads the rule page shipped in the package', () => {
    const r = lockstep(['explain', 'ref-leak']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, fs.readFileSync(path.join(repoRoot, 'docs', 'rules', 'ref-leak.md'), 'utf8'));
  });

  test('npm pack in the clone (which would pack the extension without dist/) says to use pack:cli', () => {
    const r = spawnSync(npm, ['pack', '--dry-run'], { cwd: repoRoot, encoding: 'utf8', env: cleanEnv(), timeout: 120_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /For the command line: npm run pack:cli, then npm install -g \.\/lockstep-dev-cli-<version>\.tgz/);
  });

  test('the package has no dependencies (nothing to fetch) and a scoped name', () => {
    const installed = path.join(prefix, process.platform === 'win32' ? '' : 'lib', 'node_modules', '@lockstep-dev', 'cli');
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(pkg.name, '@lockstep-dev/cli');
    assert.equal(pkg.dependencies, undefined);
    assert.deepEqual(fs.readdirSync(installed).sort(), ['LICENSE', 'README.md', 'dist', 'docs', 'package.json', 'schemas']);
  });
});

describe('the extension manifest', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown> & {
    repository: { url: string }; bugs: { url: string }; homepage: string; icon: string; galleryBanner: { color: string }; categories: string[]; scripts: Record<string, string>;
  };
  test('icon, repository, homepage, bugs, gallery banner, more than one category', () => {
    assert.match(manifest.repository.url, /^https:\/\/github\.com\/[\w-]+\/[\w-]+$/);
    assert.equal(manifest.homepage, `${manifest.repository.url}#readme`);
    assert.equal(manifest.bugs.url, `${manifest.repository.url}/issues`);
    const icon = fs.readFileSync(path.join(repoRoot, manifest.icon));
    assert.deepEqual([...icon.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.ok(icon.readUInt32BE(16) >= 128, 'the marketplace wants at least 128 px');
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(manifest.categories.length > 1);
  });
  test('packaging rewrites relative links against the repository (docs/rules/*.md work on a marketplace page)', () => {
    assert.doesNotMatch(manifest.scripts.package!, /--allow-missing-repository|--no-rewrite-relative-links/);
  });
  test('untrusted workspaces: the settings that point at files or raise limits are restricted; maxFileSize has a maximum (issue 22 item 8)', () => {
    const m = manifest as unknown as {
      capabilities: { untrustedWorkspaces: { supported: unknown; restrictedConfigurations: string[] } };
      contributes: { configuration: { properties: Record<string, { maximum?: number; type: string }> } };
    };
    assert.equal(m.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(m.capabilities.untrustedWorkspaces.restrictedConfigurations, ['lockstep.configFile', 'lockstep.maxFileSize']);
    assert.equal(m.contributes.configuration.properties['lockstep.maxFileSize']!.maximum, 8 * 1024 * 1024);
  });
  test('the README says which Debian packages npm test needs', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const aptDeps = fs.readFileSync(path.join(repoRoot, '.ci', 'apt-deps'), 'utf8');
    for (const pkg of [...aptDeps.matchAll(/need\+=\(([\w.-]+)\)/g)].map((m) => m[1]!)) assert.ok(readme.includes(`\`${pkg}\``), `README names ${pkg}`);
  });
});
