// The panel's view of real simulator results: the seam to the core, the adapter, and the webview's own
// checks, on the seed's workflow (2 packets × 1 put), whose lost update the core finds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resultView } from '../../src/extension/simulator/adapt';
import { simulatorCore, SimulatorInputError } from '../../src/extension/simulator/coreSeam';
import { changedKeys, lineMarks } from '../../src/webview/derive';
import { parseToWebview } from '../../src/webview/messages';

const scenario = { protocol: 'seed-workflow', packets: 2, puts: 1, preemptionBound: null };
const core = simulatorCore.simulate(scenario);

test('the core\'s seed-workflow result passes through the adapter and the webview\'s checks', () => {
  const view = resultView(core);
  const parsed = parseToWebview(JSON.parse(JSON.stringify({ type: 'result', result: view })));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.equal(view.verdict, 'violated');
  assert.ok(view.invariants.some((i) => i.id === 'use-after-free' && i.verdict === 'violated'));
  for (const v of view.violations) {
    assert.equal(v.contexts.length, 3);
    assert.ok(v.steps.every((s) => s.uri === 'lockstep-protocol:/seed-workflow.c'));
    // Every step changes something the panel shows, or moves a context: the listing marks follow it.
    for (let p = 1; p <= v.steps.length; p++) {
      const marks = lineMarks(v, p).marks;
      assert.equal(marks.filter((m) => m.current).length, 1, `one current context at step ${p}`);
      assert.equal(marks.find((m) => m.current)!.line, v.steps[p - 1]!.line);
    }
  }
  const uaf = view.violations.find((v) => v.invariant === 'use-after-free')!;
  assert.ok([...changedKeys(uaf, uaf.steps.findIndex((s) => s.effect.startsWith('frees')) + 1)].includes('flow F.freed'));
});

test('the initial state has every context at its first instruction and every lock free', () => {
  const v = resultView(core).violations[0]!;
  assert.ok(v.initial.locks.every((l) => l.mode === 'free' && l.waiters.length === 0));
  assert.ok(v.initial.contexts.every((c) => c.status === 'ready'));
  // Each context's first step in the schedule runs the instruction the initial state says is next.
  v.contexts.forEach((c, i) => {
    const first = v.steps.find((s) => s.context === i);
    if (first) assert.equal(v.initial.contexts.find((x) => x.context === c.id)!.nextLine, first.line);
  });
});

test('a schedule from a result replays to the same steps; a bad one is refused in words', () => {
  const v = core.violations[0]!;
  const again = simulatorCore.replay(v.schedule);
  const same = again.violations.find((x) => x.invariant === v.invariant)!;
  assert.deepEqual(same.steps.map((s) => [s.context, s.location.line]), v.steps.map((s) => [s.context, s.location.line]));
  assert.equal(resultView(again, v.schedule).replayOf, v.schedule);
  assert.throws(() => simulatorCore.replay('nonsense'), SimulatorInputError);
  assert.throws(() => simulatorCore.replay('no-such-protocol:2x1:0'), /unknown protocol "no-such-protocol"/);
  assert.throws(() => simulatorCore.simulate({ ...scenario, protocol: 'nope' }), /unknown protocol/);
});

test('every listed protocol has a listing long enough for its steps', () => {
  for (const p of simulatorCore.listProtocols()) {
    const listing = simulatorCore.protocolListing(p.name);
    assert.ok(listing, p.name);
    const lines = listing.split('\n').length;
    const r = simulatorCore.simulate({ ...scenario, protocol: p.name }, { maxStates: 50_000, timeLimitMs: 5_000 });
    for (const v of r.violations) for (const s of v.steps) assert.ok(s.location.line < lines, `${p.name}: step line ${s.location.line} beyond ${lines} lines`);
  }
  assert.equal(simulatorCore.protocolListing('nope'), undefined);
});
