import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { largeDispatchFunction } from '../../../bench/genDatapath';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import { analyseEach } from '../../helpers/analyse';
import { testParser } from '../../helpers/grammar';

/**
 * A huge, correct dispatch loop (hundreds of cases taking and dropping NDIS, spin and OVS locks and
 * flow references, leaving through a shared error label) must be analysed completely and quietly:
 * facts and released objects nothing later reads are dropped so the cases' paths join, and the
 * step budget grows with the function. Before both, the 8,000-line form hit the cap (an
 * analysis-incomplete note) after 20,000 steps with 64 states at its exit.
 */
test('an 8,000-line dispatch loop is analysed completely, with no findings and a linear number of path steps', async () => {
  const parser = await testParser();
  try {
    const file = largeDispatchFunction(400);
    const result = analyseEach(parser, file, builtinKnowledge());
    assert.deepEqual(result.findings.map((f) => `${f.ruleId}:${f.range.start.line + 1}`), []);
    const analysis = [...result.analyses.values()][0]!;
    assert.equal(analysis.incomplete, false);
    const lines = file.text.split('\n').length;
    assert.ok(lines > 8000, `${lines} lines`);
    // About two states per CFG node: joins happen (without liveness this was over 25,000 steps).
    assert.ok(analysis.visits < 16_000, `${analysis.visits} path steps`);
  } finally {
    parser.delete();
  }
});
