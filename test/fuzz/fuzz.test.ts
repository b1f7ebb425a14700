import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runFuzz, type FuzzSummary } from './lib/harness';
import { TARGETS } from './lib/targets';

/**
 * The short fixed-seed fuzz that `npm test` runs: about 500 inputs per target, generated sizes
 * only (the full 10,000-level / 100,000-case / 1 MB inputs are the long run's, `npm run fuzz`).
 * Each input is at most 64 KB. Any crash or hang fails the test with the failing input's recipe (seed and index).
 */
const SEED = 20261127;
const RUNS = 500;

function describeFailures(s: FuzzSummary): string {
  return s.failures.map((f) => `${f.outcome} x${f.count} ${f.signature}: input #${f.index} of seed ${s.seed} (${f.kind}, ${f.bytes} bytes): ${f.detail}\n${f.stack ?? ''}`).join('\n');
}

describe('short fixed-seed fuzz (reproduce: npm run fuzz -- --seed 20261127 --runs 500 --full-size-chance 0 --max-input-bytes 65536 --time-limit-ms 30000)', () => {
  for (const target of TARGETS) {
    // The test's timeout is a ceiling for the whole run on a loaded machine, not a speed check.
    test(`${target}: ${RUNS} inputs, no crash, no hang, no memory blow-up`, { timeout: 900_000 }, async () => {
      const s = await runFuzz({
        // Inputs up to 64 KB; a generous limit, as the machine may be busy: a real hang still fails.
        target, runs: RUNS, seed: SEED, limitMs: 30_000, fullSizeChance: 0, maxInputBytes: 64 * 1024,
        maxRssBytes: 4 * 1024 ** 3, maxWasmBytes: 2 * 1024 ** 3,
      });
      assert.equal(s.inputs, RUNS);
      assert.equal(s.crashes + s.hangs + s.memory, 0, describeFailures(s));
      // The run did exercise the target: some inputs were analysed, not all refused.
      assert.ok(s.ok > 0, `no input of ${target} got past input validation`);
    });
  }
});
