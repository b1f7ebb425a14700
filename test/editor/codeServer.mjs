// Installs code-server 4.100.3 (VS Code 1.100.3's server + web workbench) into the git-ignored `.e2e/`
// once, and starts it on 127.0.0.1. The traps (Kerberos headers, ripgrep download, node-gyp prompt,
// writes to ~/.config) and their fixes are described in the repository's e2e notes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, rmSync, copyFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';

export const CODE_SERVER_VERSION = '4.100.3';
// @vscode/ripgrep version that code-server 4.100.3 pulls in, and the prebuilt tag it fetches.
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export function e2eDirs(root) {
  const base = join(root, '.e2e');
  return {
    base,
    install: join(base, `code-server-${CODE_SERVER_VERSION}`),
    bin: join(base, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server'),
    xdg: join(base, 'xdg'),
    tmp: join(base, 'tmp'),
  };
}

export function xdgEnv(dirs) {
  return {
    XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
    XDG_DATA_HOME: join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
  };
}

function seedRipgrepCache(tmp) {
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('ripgrep (rg) is not installed: run .ci/apt-deps');
  const cache = join(tmp, RIPGREP_CACHE);
  mkdirSync(cache, { recursive: true });
  const tarball = join(cache, RIPGREP_TARBALL);
  if (existsSync(tarball)) return;
  const stage = mkdtempSync(join(tmp, 'rg-'));
  copyFileSync(rg, join(stage, 'rg'));
  const r = spawnSync('tar', ['-czf', tarball, '-C', stage, 'rg']);
  rmSync(stage, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`could not build the ripgrep tarball: ${r.stderr}`);
}

/** Installs code-server unless the cached install answers `--version`. Returns its binary. */
export function ensureCodeServer(root, log = console.log) {
  const dirs = e2eDirs(root);
  for (const d of [dirs.base, dirs.xdg, dirs.tmp]) mkdirSync(d, { recursive: true });
  if (existsSync(dirs.bin)) {
    const v = spawnSync(dirs.bin, ['--version'], { encoding: 'utf8', env: { ...process.env, ...xdgEnv(dirs) }, timeout: 60_000 });
    if (v.status === 0 && v.stdout.startsWith(CODE_SERVER_VERSION)) return dirs.bin;
    log(`cached code-server did not answer (${v.status}); reinstalling`);
  }
  seedRipgrepCache(dirs.tmp);
  mkdirSync(dirs.install, { recursive: true });
  writeFileSync(join(dirs.install, 'package.json'), JSON.stringify({ name: 'lockstep-e2e-code-server', private: true }));
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dirs.install} (one time, ~2 min)`);
  const t0 = Date.now();
  const install = () => spawnSync('npm', ['install', '--no-audit', '--no-fund', '--unsafe-perm', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: dirs.install,
    stdio: 'inherit',
    env: { ...process.env, ...xdgEnv(dirs), npm_config_yes: 'true', TMPDIR: dirs.tmp },
    timeout: 15 * 60_000,
  });
  let r = install();
  if (r.status !== 0 || !existsSync(dirs.bin)) {
    // A download that failed on the way (registry hiccup) is not a test failure: try it once more.
    log(`code-server install failed (exit ${r.status ?? r.signal}); retrying the download once`);
    r = install();
  }
  if (r.status !== 0 || !existsSync(dirs.bin)) throw new Error(`code-server install failed (exit ${r.status ?? r.signal})`);
  log(`code-server installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return dirs.bin;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh user-data/extensions pair with the vsix installed and the Welcome page off. */
export function prepareProfile(root, bin, vsix, settings = {}) {
  const dirs = e2eDirs(root);
  const profile = mkdtempSync(join(dirs.tmp, 'profile-'));
  const udd = join(profile, 'user-data');
  const ext = join(profile, 'extensions');
  const cfg = join(profile, 'config.yaml');
  mkdirSync(join(udd, 'User'), { recursive: true });
  writeFileSync(cfg, 'auth: none\ncert: false\n');
  if (vsix) {
    const r = spawnSync(bin, ['--config', cfg, '--user-data-dir', udd, '--extensions-dir', ext, '--install-extension', vsix, '--force'], {
      encoding: 'utf8', env: { ...process.env, ...xdgEnv(dirs) }, timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`installing the vsix failed: ${r.stdout}${r.stderr}`);
  }
  writeFileSync(join(udd, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'workbench.enableExperiments': false,
    'git.enabled': false,
    'files.autoSave': 'off',
    'git.openRepositoryInParentFolders': 'never',
    'update.mode': 'none',
    ...settings,
  }, null, 2));
  return { profile, udd, ext, cfg };
}

/**
 * Starts code-server on a free port and waits for /healthz. Returns { url, port, stop }.
 * code-server's wrapper gives its child process 10 s to say hello and exits with "timed out" when it
 * does not: on a loaded machine the child's start alone can take that long. That is the tool failing
 * to start, not a test failing, so it is started again (logged), up to three times.
 */
export async function startCodeServer(root, bin, profile, workspace, log = console.log, extraEnv = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(root, bin, profile, workspace, log, extraEnv);
    } catch (e) {
      if (!(e instanceof StartTimedOut) || attempt === 3) throw e;
      log(`code-server did not start (its 10 s start-up handshake timed out, attempt ${attempt}); starting it again`);
    }
  }
}

class StartTimedOut extends Error {}

async function startOnce(root, bin, profile, workspace, log, extraEnv) {
  const dirs = e2eDirs(root);
  const port = await freePort();
  writeFileSync(profile.cfg, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = ['--config', profile.cfg, '--user-data-dir', profile.udd, '--extensions-dir', profile.ext,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override',
    // LOCKSTEP_CODE_SERVER_LOG=debug makes the extensions' log channels (the "Lockstep" log) show debug lines.
    ...(process.env.LOCKSTEP_CODE_SERVER_LOG ? ['--log', process.env.LOCKSTEP_CODE_SERVER_LOG] : []), workspace];
  const child = spawn(bin, args, { env: { ...process.env, ...xdgEnv(dirs), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000; // a ceiling that only catches a hang
  for (;;) {
    if (child.exitCode !== null) {
      const message = `code-server exited (${child.exitCode}): ${output}`;
      throw /\berror timed out\b/.test(output) ? new StartTimedOut(message) : new Error(message);
    }
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill(); throw new Error(`code-server did not become healthy: ${output}`); }
    await new Promise((res) => setTimeout(res, 300));
  }
  log(`code-server listening on ${url}`);
  const stop = () => new Promise((res) => {
    if (child.exitCode !== null) { res(); return; }
    child.once('exit', () => res());
    child.kill('SIGTERM');
    setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL'); }, 5000).unref();
  });
  return { url, port, stop, output: () => output };
}

/**
 * Removes a temporary profile or workspace. code-server's own children (the extension host) can still be
 * writing into the profile's workspaceStorage for a moment after the server exited (ENOTEMPTY seen at load
 * 25): retried with back-off, and a folder that still cannot go is logged, not a failed run.
 */
export function removeTree(path, log = console.log) {
  try {
    rmSync(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (e) {
    log(`could not remove ${path} (left behind): ${e instanceof Error ? e.message : e}`);
  }
}

export function tmpRoot() {
  return tmpdir();
}
