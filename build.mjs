// One build for the three bundles; copies the wasm files the C front end loads at run time.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, chmodSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
mkdirSync('dist', { recursive: true });

// esbuild would pick web-tree-sitter's ESM build even for cjs output, and that bundle
// crashes in Parser.init: point the import at the package's CommonJS file instead.
const treeSitterDir = dirname(require.resolve('web-tree-sitter'));
const treeSitterCjs = join(treeSitterDir, 'web-tree-sitter.cjs');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  alias: { 'web-tree-sitter': treeSitterCjs },
};

const builds = [
  // The entry starts the analysis worker, then loads the main bundle (bootstrap.ts).
  { ...common, entryPoints: ['src/extension/bootstrap.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', './extensionMain.js'] },
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extensionMain.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  // No dynamic import(): the worker runs through vm.Script (workerBoot.ts), which has no loader for one.
  { ...common, entryPoints: ['src/extension/analysisWorker.ts'], outfile: 'dist/analysisWorker.js', platform: 'node', format: 'cjs', target: 'node20', supported: { 'dynamic-import': false } },
  { ...common, entryPoints: ['src/extension/workerBoot.ts'], outfile: 'dist/workerBoot.js', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: ['src/cli/checkWorker.ts'], outfile: 'dist/checkWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { ...common, entryPoints: ['src/extension/simulator/simWorker.ts'], outfile: 'dist/simWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['src/extension/patchReview/patchReviewWorker.ts'], outfile: 'dist/patchReviewWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
].filter((b) => existsSync(b.entryPoints[0]));

function copyAssets() {
  copyFileSync(join(treeSitterDir, 'web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm');
  copyFileSync(join(dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm'), 'dist/tree-sitter-c.wasm');
  const codicons = join(dirname(require.resolve('@vscode/codicons/package.json')), 'dist');
  if (existsSync(codicons)) {
    mkdirSync('dist/codicons', { recursive: true });
    for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(codicons, f), join('dist/codicons', f));
  }
}

/**
 * The analysis worker's V8 code cache (workerBoot.ts): the worker is started once here, warms itself up
 * and writes the bytecode it compiled beside the bundle. A VS Code whose V8 differs from this Node's
 * rejects it and writes its own on first use; a failure here only costs the first window that second.
 */
async function writeWorkerCache() {
  const cache = join(process.cwd(), 'dist', 'analysisWorker.cache');
  rmSync(cache, { force: true });
  const worker = new Worker(join(process.cwd(), 'dist', 'workerBoot.js'), {
    workerData: { distDir: join(process.cwd(), 'dist'), warmUp: true, boot: { script: join(process.cwd(), 'dist', 'analysisWorker.js'), caches: [], writeTo: cache } },
  });
  const note = await new Promise((resolve) => {
    worker.on('message', (m) => { if (m?.type === 'warmedUp') resolve(m.error ?? (existsSync(cache) ? undefined : `no cache written (${m.codeCache})`)); });
    worker.on('error', (e) => resolve(e.message));
    worker.on('exit', (code) => resolve(`worker exited (${code})`));
  });
  await worker.terminate();
  if (note) console.warn(`build: the analysis worker's code cache was not written: ${note}`);
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  copyAssets();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  copyAssets();
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
  await writeWorkerCache();
}
