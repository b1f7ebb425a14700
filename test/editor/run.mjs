// The editor stage of `npm test`: real VS Code (code-server 4.100.3) in headless Chromium.
//   1. package the .vsix and bundle the extension-host suite;
//   2. UI end-to-end on the installed .vsix (ui.e2e.mjs);
//   3. the extension-host suite (mocha + vscode API) inside code-server via the payload URL route;
//   4. the same suite through @vscode/test-electron, which skips here when VS Code cannot be downloaded.
// Writes out/editor-counts.json = { passed, failed, skipped, flaky } and prints the timing of each part.
// A live UI part that fails is run once more on a fresh server, to tell a flaky test from a broken one:
// a test that passes only on that retry is reported as FLAKY and counted as failed (flaky CI will one
// day refuse good work, so it must be fixed, not hidden). Only a download this machine cannot make is
// exempt (the code-server install retries a network failure; test-electron skips without a download).
// LOCKSTEP_SKIP_EDITOR=1 skips the whole stage (counted as skipped, with the reason printed).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { ensureCodeServer, prepareProfile, removeTree, startCodeServer } from './codeServer.mjs';
import { runHostSuiteInCodeServer } from './hostSuite.mjs';
import { runHostSuiteInElectron } from './electron.mjs';
import { runUiTests } from './ui.e2e.mjs';
import { runSimulatorUiTests } from '../webview/editor/simulator.e2e.mjs';
import { BIG_FILE, runLatencyTests } from './latency.e2e.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'out');
const countsFile = join(out, 'editor-counts.json');
const screenshots = join(out, 'screenshots');
const fixture = join(root, 'test', 'editor', 'fixtures', 'workspace');
const counts = { passed: 0, failed: 0, skipped: 0, flaky: 0 };
const flakyNames = [];
const timings = [];
// LOCKSTEP_EDITOR_PARTS=host (or ui, electron; comma-separated) runs only those parts, for debugging.
const parts = new Set((process.env.LOCKSTEP_EDITOR_PARTS ?? 'ui,latency,sim,host,electron').split(','));
const t0 = Date.now();

function log(msg) {
  process.stdout.write(`${msg}\n`);
}

async function timed(name, fn) {
  const start = Date.now();
  try {
    return await fn();
  } finally {
    timings.push([name, (Date.now() - start) / 1000]);
    log(`--- ${name}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
}

function finish() {
  writeFileSync(countsFile, JSON.stringify({ passed: counts.passed, failed: counts.failed, skipped: counts.skipped, flaky: counts.flaky }));
  log('\neditor stage timings:');
  for (const [name, s] of timings) log(`  ${name.padEnd(44)} ${s.toFixed(1)} s`);
  log(`  ${'total'.padEnd(44)} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  for (const name of flakyNames) log(`FLAKY (failed, then passed on its retry; counted as failed): ${name}`);
  log(`editor: ${counts.passed} passed, ${counts.failed} failed${counts.flaky ? ` (${counts.flaky} flaky)` : ''}, ${counts.skipped} skipped`);
  process.exit(counts.failed === 0 ? 0 : 1);
}

const latency = {};

/** The benchmark's generated 5,000-line datapath file (bench/genDatapath.ts, the keystroke bench's file). */
function bigDatapathFile() {
  const gen = spawnSync(process.execPath, ['--import', 'tsx', '-e',
    "const { generateDatapathCorpus } = require('./bench/genDatapath.ts'); process.stdout.write(generateDatapathCorpus({ lines: 5000, linesPerFile: 5200, seed: 1 })[0].text);"],
  { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (gen.status !== 0) throw new Error(`generating ${BIG_FILE} failed: ${gen.stderr}`);
  return gen.stdout;
}

function freshWorkspace() {
  // Outside the repository, so VS Code's git integration finds no parent repository.
  const ws = mkdtempSync(join(tmpdir(), 'lockstep-ws-'));
  cpSync(fixture, ws, { recursive: true });
  return ws;
}

mkdirSync(out, { recursive: true });
if (process.env.LOCKSTEP_SKIP_EDITOR === '1') {
  log('editor suites SKIPPED: LOCKSTEP_SKIP_EDITOR=1');
  counts.skipped += 3;
  finish();
}

try {
  await timed('build, package .vsix, bundle suite', async () => {
    const b = spawnSync('node', ['build.mjs'], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
    const p = spawnSync('npx', ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '-o', join(out, 'lockstep.vsix')], { cwd: root, encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`vsce package failed:\n${p.stdout}${p.stderr}`);
    log((p.stdout.match(/DONE.*$/m) ?? [''])[0]);
    await esbuild.build({
      entryPoints: [join(root, 'test', 'editor', 'suite', 'index.ts')],
      outfile: join(out, 'editor-suite', 'index.js'),
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline',
      external: ['vscode', 'mocha'], logLevel: 'warning',
    });
  });
} catch (e) {
  log(`editor stage could not start: ${e.message}`);
  counts.failed++;
  finish();
}

let bin;
try {
  bin = await timed('code-server 4.100.3 (installed once into .e2e/)', () => ensureCodeServer(root, log));
  if (!existsSync('/usr/bin/chromium')) throw new Error('/usr/bin/chromium is missing: run .ci/apt-deps');
} catch (e) {
  log(`code-server or Chromium unavailable: ${e.message}`);
  counts.failed++;
  finish();
}

/**
 * Runs one browser-driven part on a fresh server and profile; on a failure runs it once more to tell
 * flaky from broken. Tests that failed first and passed on the retry are FLAKY: counted as failed.
 */
async function runUiPart(label, vsix, run, prepareWorkspace = () => undefined) {
  let first = null;
  for (let attempt = 1; attempt <= 2; attempt++) {
    let profile;
    let ws;
    let server;
    let results = [];
    try {
      profile = prepareProfile(root, bin, vsix);
      ws = freshWorkspace();
      prepareWorkspace(ws);
      server = await startCodeServer(root, bin, profile, ws, log);
      results = await run({ url: server.url, workspace: ws, profileDir: join(profile.profile, 'chromium'), userData: profile.udd });
    } catch (e) {
      log(`${label} crashed: ${e.stack ?? e}`);
      results = [{ name: label, ok: false, error: String(e) }];
    } finally {
      await server?.stop();
      // LOCKSTEP_KEEP_PROFILE=1 keeps the profile (its logs/ hold the extension's "Lockstep" log) for debugging.
      if (process.env.LOCKSTEP_KEEP_PROFILE === '1' && profile) log(`kept profile ${profile.profile} and workspace ${ws}`);
      else {
        if (ws) removeTree(ws, log);
        if (profile) removeTree(profile.profile, log);
      }
    }
    const failed = results.filter((r) => !r.ok);
    for (const r of failed) log(`  FAIL ${r.name}: ${r.error ?? ''}`);
    if (attempt === 1 && failed.length === 0) {
      counts.passed += results.length;
      return;
    }
    if (attempt === 1) {
      first = new Set(failed.map((r) => r.name));
      log(`${label} failed (${failed.map((r) => r.name).join('; ')}); running it once more to tell flaky from broken`);
      continue;
    }
    for (const r of results) {
      if (!r.ok) counts.failed++;
      else if (first.has(r.name) || first.has(label)) {
        counts.failed++;
        counts.flaky++;
        flakyNames.push(r.name);
      } else counts.passed++;
    }
  }
}

// (a) UI end-to-end on the packaged extension.
if (parts.has('ui')) await timed('UI end-to-end (.vsix, Problems panel, quick fix)', () => runUiPart('UI end-to-end', join(out, 'lockstep.vsix'), (o) => {
  // Only this suite's own screenshots: other suites (the simulator's) write into the same folder.
  mkdirSync(screenshots, { recursive: true });
  for (const f of readdirSync(screenshots)) if (/^(\d\d-|fail-)/.test(f)) rmSync(join(screenshots, f), { force: true });
  return runUiTests({ ...o, screenshots, log });
}));

// (a1) Keystroke → squiggle and first diagnostics, timed in the browser (printed, compared with the targets).
if (parts.has('latency')) await timed('keystroke → squiggle latency (.vsix)', () => runUiPart('latency', join(out, 'lockstep.vsix'),
  (o) => runLatencyTests({ ...o, log, report: (r) => Object.assign(latency, r) }),
  (ws) => writeFileSync(join(ws, BIG_FILE), bigDatapathFile())).finally(() => {
  writeFileSync(join(out, 'editor-latency.json'), `${JSON.stringify(latency, null, 2)}\n`);
}));

// (a2) The simulator panel beside its listing, in the packaged extension: lit lines follow the steps.
if (parts.has('sim')) await timed('simulator panel beside the listing (.vsix)', () => runUiPart('simulator panel', join(out, 'lockstep.vsix'),
  (o) => runSimulatorUiTests({ ...o, screenshots, log })));

// (b) The extension-host suite inside code-server.
if (parts.has('host')) await timed('extension-host suite in code-server', async () => {
  const profile = prepareProfile(root, bin, undefined);
  const ws = freshWorkspace();
  const resultFile = join(profile.profile, 'suite-result.json');
  const server = await startCodeServer(root, bin, profile, ws, log, { LOCKSTEP_SUITE_RESULT_FILE: resultFile });
  try {
    const r = await runHostSuiteInCodeServer({
      url: server.url, port: server.port, extensionPath: root, testsPath: join(out, 'editor-suite', 'index.js'),
      workspace: ws, profileDir: join(profile.profile, 'chromium'), log,
    });
    const result = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : r.counts;
    if (!result) {
      log(`extension-host suite gave no result (exit ${r.exitCode})`);
      counts.failed++;
    } else {
      counts.passed += result.passed;
      counts.failed += result.failed;
      counts.skipped += result.skipped;
      if (r.exitCode !== 0 && result.failed === 0) counts.failed++;
      for (const f of result.failures ?? []) log(`  FAIL ${f}`);
      // Mocha retries a failed test once; one that passed only then is flaky: counted as failed.
      for (const f of result.flaky ?? []) {
        counts.passed--;
        counts.failed++;
        counts.flaky++;
        flakyNames.push(`extension host: ${f}`);
      }
    }
  } catch (e) {
    log(`extension-host suite crashed: ${e.stack ?? e}`);
    counts.failed++;
  } finally {
    await server.stop();
    removeTree(ws, log);
    removeTree(profile.profile, log);
  }
});

// (c) The same suite under @vscode/test-electron: needs to download VS Code, so it skips offline.
if (parts.has('electron')) await timed('extension-host suite in @vscode/test-electron', async () => {
  const ws = freshWorkspace();
  try {
    const r = await runHostSuiteInElectron({ extensionPath: root, testsPath: join(out, 'editor-suite', 'index.js'), workspace: ws, log });
    if (r.skipped) {
      log(`@vscode/test-electron SKIPPED: ${r.reason}`);
      counts.skipped++;
    } else {
      counts.passed += r.counts.passed;
      counts.failed += r.counts.failed;
      counts.skipped += r.counts.skipped;
    }
  } finally {
    removeTree(ws, log);
  }
});

finish();
