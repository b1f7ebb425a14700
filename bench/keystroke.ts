/**
 * Keystroke-to-findings on a 5,000-line datapath file, measured through the editor's own path:
 * the analysis worker's AnalysisSession (apply the change → incremental reparse with tree.edit →
 * summaries → check → fixes). Run: node --import tsx bench/keystroke.ts [--lines N] [--keys N]
 * Also times the same keystrokes through a real worker thread (postMessage both ways).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AnalysisClient } from '../src/extension/analysisClient';
import { AnalysisSession } from '../src/extension/analysisSession';
import { testGrammar, testParser, repoRoot } from '../test/helpers/grammar';
import { generateDatapathCorpus, prng } from './genDatapath';
import { fmtMs, median } from './timing';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const LINES = arg('lines', 5000);
const KEYS = arg('keys', 200);

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/** Offsets just before a `;` inside function bodies: where a user edits an expression. */
function editPoints(text: string, count: number): number[] {
  const r = prng(7);
  const candidates: number[] = [];
  for (let i = text.indexOf(';'); i !== -1; i = text.indexOf(';', i + 1)) if (text[i - 1] !== ')') candidates.push(i);
  return Array.from({ length: count }, () => candidates[Math.floor(r() * candidates.length)]!);
}

async function main(): Promise<void> {
  const [file] = generateDatapathCorpus({ lines: LINES, linesPerFile: LINES + 200, seed: 1 });
  let text = file!.text;
  const lines = text.split('\n').length;
  const uri = 'file:///bench/datapath.c';
  const parser = await testParser();
  const session = new AnalysisSession(parser);
  session.open(uri, 1, text);
  const t0 = performance.now();
  const first = session.check(uri);
  const coldMs = performance.now() - t0;

  // Each keystroke types one character and the next one deletes it, so the file stays realistic.
  const points = editPoints(text, KEYS);
  const inProcess: number[] = [];
  const analysed: number[] = [];
  let version = 1;
  for (const [k, at] of points.entries()) {
    const change = k % 2 === 0 ? { offset: at, length: 0, text: '+1' } : { offset: at, length: 2, text: '' };
    const pos = k % 2 === 0 ? at : points[k - 1]!;
    change.offset = pos;
    text = text.slice(0, change.offset) + change.text + text.slice(change.offset + change.length);
    const s = performance.now();
    session.change(uri, ++version, [change], text.length);
    const r = session.check(uri);
    inProcess.push(performance.now() - s);
    analysed.push(r.analysed);
    if (!r.incremental) throw new Error('expected an incremental reparse');
  }
  session.dispose();
  parser.delete();

  // The same through the worker thread the extension uses (structured clone of text changes and findings).
  const { mkdtempSync, copyFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dist = mkdtempSync(path.join(tmpdir(), 'lockstep-bench-'));
  copyFileSync(path.join(testGrammar.runtimeDir, 'web-tree-sitter.wasm'), path.join(dist, 'web-tree-sitter.wasm'));
  copyFileSync(testGrammar.grammarFile, path.join(dist, 'tree-sitter-c.wasm'));
  const boot = path.join(dist, 'boot.cjs');
  writeFileSync(boot, `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(path.join(repoRoot, 'src', 'extension', 'analysisWorker.ts'))});\n`);
  const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
  const client = new AnalysisClient({ workerFile: boot, distDir: dist, timeoutMs: 60_000, log: quiet });
  await client.start();
  let wtext = file!.text;
  let wversion = 1;
  client.post({ type: 'open', uri, version: 1, text: wtext });
  await client.request({ type: 'check', uri, version: 1 });
  const viaWorker: number[] = [];
  for (const [k, at] of points.entries()) {
    const offset = k % 2 === 0 ? at : points[k - 1]!;
    const change = k % 2 === 0 ? { offset, length: 0, text: '+1' } : { offset, length: 2, text: '' };
    wtext = wtext.slice(0, offset) + change.text + wtext.slice(offset + change.length);
    const s = performance.now();
    client.post({ type: 'change', uri, version: ++wversion, changes: [change], length: wtext.length });
    const r = await client.request({ type: 'check', uri, version: wversion });
    viaWorker.push(performance.now() - s);
    if (r.type !== 'checked') throw new Error(`worker answered ${JSON.stringify(r).slice(0, 2000)}`);
  }
  client.dispose();

  const row = (name: string, xs: number[]): string => `| ${name} | ${fmtMs(median(xs))} | ${fmtMs(percentile(xs, 0.95))} | ${fmtMs(Math.max(...xs))} |`;
  console.log(`keystroke-to-findings, ${lines} lines, ${first.stats.functions} functions, ${first.findings.length} findings, ${KEYS} keystrokes`);
  console.log(`cold first check (full parse + analysis): ${fmtMs(coldMs)} ms`);
  console.log('| path | median ms | p95 ms | max ms |');
  console.log('|---|---|---|---|');
  console.log(row('AnalysisSession (in process)', inProcess));
  console.log(row('analysis worker thread (postMessage)', viaWorker));
  const whole = analysed.filter((n) => n === first.stats.functions).length;
  console.log(`functions analysed per keystroke: median ${median(analysed)}, whole file on ${whole} of ${KEYS} keystrokes (an edit that changes a lock summary)`);
  const med = median(viaWorker);
  if (med >= 50) {
    console.error(`median ${fmtMs(med)} ms is not under 50 ms`);
    process.exitCode = 1;
  }
}

void main();
