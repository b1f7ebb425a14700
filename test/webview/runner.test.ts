// The explorer's worker thread as the panel drives it: the real dist/simWorker.js bundle for results,
// costs and failures, and small stand-in workers for a hang (Cancel) and a crash.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import { simulatorCore } from '../../src/extension/simulator/coreSeam';
import { ExplorerRun } from '../../src/extension/simulator/runner';
import type { WorkerJob } from '../../src/extension/simulator/workerProtocol';
import type { CostView, RunProgress, RunResult } from '../../src/webview/model';
import type { Unmodelled } from '../../src/core/extract/types';
import { ensureBuilt } from '../helpers/build';
import { repoRoot, testGrammar } from '../helpers/grammar';

// The bundle build.mjs makes, rebuilt only when stale and never by two test files at once (ensureBuilt).
const SIM_WORKER = join(repoRoot, 'dist', 'simWorker.js');

before(() => ensureBuilt());
const scenario = { protocol: 'seed-workflow', packets: 2, puts: 1, preemptionBound: null };

interface Events {
  progress: RunProgress[];
  results: RunResult[];
  costs: CostView[];
  failures: string[];
  extracted: { model: string; unmodelled: Unmodelled[] }[];
}

function start(file: string, job: WorkerJob): { run: ExplorerRun; events: Events; settled: Promise<void> } {
  const events: Events = { progress: [], results: [], costs: [], failures: [], extracted: [] };
  const run = new ExplorerRun(file, job, {
    progress: (p) => events.progress.push(p),
    result: (r) => events.results.push(r),
    costs: (c) => events.costs.push(...c),
    failed: (m) => events.failures.push(m),
    extracted: (model, unmodelled) => events.extracted.push({ model, unmodelled }),
  });
  return { run, events, settled: run.done };
}

async function until(what: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function standIn(source: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lockstep-worker-')), 'worker.js');
  writeFileSync(file, source);
  return file;
}

test('an exploration posts the view-model result, then the other protocols\' costs', { timeout: 180_000 }, async () => {
  const { events, settled } = start(SIM_WORKER, { kind: 'explore', scenario });
  await settled;
  assert.deepEqual(events.failures, []);
  assert.equal(events.results.length, 1);
  const r = events.results[0]!;
  assert.equal(r.protocol, 'seed-workflow');
  assert.equal(r.verdict, 'violated');
  assert.ok(r.violations[0]!.initial.locks.every((l) => l.mode === 'free'));
  assert.deepEqual(events.costs.map((c) => c.protocol), simulatorCore.listProtocols().map((p) => p.name).filter((n) => n !== 'seed-workflow'));
});

test('a replay runs the schedule it is given; a bad schedule fails in words', { timeout: 180_000 }, async () => {
  const first = start(SIM_WORKER, { kind: 'explore', scenario });
  await first.settled;
  const schedule = first.events.results[0]!.violations[0]!.schedule;
  const replay = start(SIM_WORKER, { kind: 'replay', scenario, schedule });
  await replay.settled;
  assert.equal(replay.events.results[0]!.replayOf, schedule);
  assert.equal(replay.events.results[0]!.violations[0]!.schedule, schedule);
  const bad = start(SIM_WORKER, { kind: 'replay', scenario, schedule: 'seed-workflow:2x1:7' });
  await bad.settled;
  assert.equal(bad.events.results.length, 0);
  assert.match(bad.events.failures[0] ?? '', /no context 7/);
});

test('Cancel stops a worker that never answers, and nothing is reported after it', { timeout: 120_000 }, async () => {
  const { run, events } = start(standIn('setInterval(() => {}, 1000);'), { kind: 'explore', scenario });
  await until('elapsed-time progress while it runs', () => events.progress.length >= 1);
  assert.ok(run.running);
  assert.ok(events.progress.every((p) => p.states === null && p.ms >= 0));
  run.stop();
  await run.done;
  const seen = events.progress.length;
  // A negative check (nothing may arrive after Cancel): it has to give a late message time to come.
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(run.running, false);
  assert.equal(events.progress.length, seen);
  assert.deepEqual(events.failures, []);
});

test('a worker that crashes or exits without a result is reported as a failure', { timeout: 120_000 }, async () => {
  const crash = start(standIn('throw new Error("boom");'), { kind: 'explore', scenario });
  await crash.settled;
  assert.match(crash.events.failures[0] ?? '', /the explorer crashed: boom/);
  const exit = start(standIn('process.exit(3);'), { kind: 'explore', scenario });
  await exit.settled;
  assert.match(exit.events.failures[0] ?? '', /stopped unexpectedly \(exit code 3\)/);
});

test('a C job compiles the two functions in the worker; its steps light lines of the C document; its schedule replays', { timeout: 180_000 }, async () => {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'sim', 'bug_use_after_unlock.c'), 'utf8');
  const uri = 'untitled:Untitled-1';
  const source = { uri, text, packet: 'OvsPacketPath', put: 'OvsFlowDelete', grammar: testGrammar, configFile: null };
  const cScenario = { protocol: 'Untitled-1:OvsPacketPath+OvsFlowDelete', packets: 1, puts: 1, preemptionBound: null };
  const run = start(SIM_WORKER, { kind: 'exploreC', scenario: cScenario, source });
  await run.settled;
  assert.deepEqual(run.events.failures, []);
  assert.deepEqual(run.events.extracted, [{ model: cScenario.protocol, unmodelled: [] }]);
  const r = run.events.results[0]!;
  assert.equal(r.protocol, cScenario.protocol);
  const v = r.violations[0]!;
  assert.equal(v.invariant, 'use-after-free');
  assert.ok(v.steps.every((s) => s.uri === uri));
  const useLine = text.split('\n').findIndex((l) => l.includes('OvsDoExecuteActions('));
  assert.equal(v.steps[v.failingStep]!.line, useLine);
  assert.ok(run.events.costs.length > 0, 'the reference protocols\' costs follow, for comparison');
  const replay = start(SIM_WORKER, { kind: 'exploreC', scenario: cScenario, source, schedule: v.schedule });
  await replay.settled;
  assert.equal(replay.events.results[0]!.replayOf, v.schedule);
  assert.equal(replay.events.results[0]!.violations[0]!.schedule, v.schedule);
  const wrong = start(SIM_WORKER, { kind: 'exploreC', scenario: cScenario, source: { ...source, put: 'Nope' } });
  await wrong.settled;
  assert.match(wrong.events.failures[0] ?? '', /no function Nope/);
});
