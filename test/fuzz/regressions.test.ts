import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { FuzzWorker } from './lib/pool';
import { loadKnownOpen, loadRegressions } from './lib/regressions';

/**
 * Replays every input the fuzzer ever saved under test/fuzz/regressions/: each must now finish
 * (within a ceiling that only catches a hang), either normally or with a documented refusal. Inputs listed in
 * known-open.json are skipped with their reason until the bug is fixed.
 */
const REPLAY_CEILING_MS = 90_000;
const regressions = loadRegressions();
const knownOpen = loadKnownOpen();
const worker = new FuzzWorker();

describe('fuzz regressions replay', () => {
  after(() => worker.close());

  test('every known-open entry names a saved regression', () => {
    const ids = new Set(regressions.map((r) => r.id));
    for (const id of Object.keys(knownOpen)) assert.ok(ids.has(id), `known-open.json lists ${id}, which is not under test/fuzz/regressions/`);
  });

  for (const r of regressions) {
    // The limit the failure was seen under is a fuzzing budget; replayed on a loaded machine it would
    // measure the machine. The replay only has to finish: a generous ceiling that still catches the hang.
    const ceilingMs = Math.max(REPLAY_CEILING_MS, r.meta.limitMs * 6);
    test(`${r.id}: ${r.meta.outcome} (${r.meta.kind}) no longer happens`, { timeout: ceilingMs * 2 + 30_000 }, async (t) => {
      const reason = knownOpen[r.id];
      if (reason !== undefined) {
        t.skip(`known-open: ${reason}`);
        return;
      }
      const res = await worker.run(r.meta.target, r.bytes, ceilingMs);
      assert.ok(res.outcome === 'ok' || res.outcome === 'refused', `${r.id}: ${res.outcome}: ${res.detail}\n${'stack' in res ? (res.stack ?? '') : ''}`);
    });
  }
});
