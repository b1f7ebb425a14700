// `npm test`: build, type-check, lint, unit tests, then the editor suites. Ends with one summary line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const totals = { passed: 0, failed: 0, skipped: 0, flaky: 0 };
const started = Date.now();
const only = process.argv.slice(2);

function run(title, cmd, args, opts = {}) {
  process.stdout.write(`\n=== ${title}\n`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...(opts.env ?? {}) } });
  process.stdout.write(`=== ${title}: ${r.status === 0 ? 'ok' : `failed (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return r.status === 0;
}

function addCounts(file) {
  if (!existsSync(file)) return false;
  const c = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += c.passed;
  totals.failed += c.failed;
  totals.skipped += c.skipped;
  totals.flaky += c.flaky ?? 0;
  return true;
}

function finish(ok) {
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (!ok && totals.failed === 0) totals.failed = 1; // a stage that failed outside a test still fails the run
  process.stdout.write(`\nnpm test finished in ${secs} s\n`);
  // A test that passed only on a retry is flaky: already counted in `failed`, named here so it is seen.
  const flaky = totals.flaky ? ` (${totals.flaky} flaky: passed only on a retry)` : '';
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed${flaky}, ${totals.skipped} skipped\n`);
  process.exit(ok && totals.failed === 0 ? 0 : 1);
}

mkdirSync('out', { recursive: true });

// Node 20's --test takes no globs: list test/**/*.test.ts ourselves (sorted, so runs are repeatable).
function testFiles(dir) {
  const out = [];
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory() && ent.name !== 'fixtures' && ent.name !== 'editor') out.push(...testFiles(p));
    else if (ent.isFile() && ent.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}
const want = (stage) => only.length === 0 || only.includes(stage);

if (want('build') && !run('build', 'node', ['build.mjs'])) finish(false);
if (want('typecheck') && !run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'])) finish(false);
if (want('typecheck') && !run('typecheck webview', 'npx', ['tsc', '-p', 'src/webview/tsconfig.json', '--noEmit'])) finish(false);
if (want('lint') && !run('lint', 'npx', ['eslint', '.'])) finish(false);

let ok = true;
if (want('unit')) {
  const unitOk = run('unit tests', 'node', [
    '--import', 'tsx', '--test', '--test-concurrency=2',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/countReporter.mjs', '--test-reporter-destination=out/unit-counts.json',
    ...testFiles('test'),
  ]);
  if (!addCounts('out/unit-counts.json')) ok = false;
  ok = unitOk && ok;
}
if (want('editor') && existsSync('test/editor/run.mjs')) {
  const edOk = run('editor suites', 'node', ['test/editor/run.mjs']);
  if (!addCounts('out/editor-counts.json')) ok = false;
  ok = edOk && ok;
}
finish(ok);
