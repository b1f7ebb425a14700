// Every phase honours the limits (issue 22, item 5): the reduction's model analysis is linear in the
// program (it was quadratic: 3,000 `if`s took 57 s and 1.4 GB before the search began) and stops at
// the CPU time limit like the search does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Instr, ProtocolModel } from '../../src/core/model/program';
import { simulate } from '../../src/core/sim/simulate';

/** A packet path of `n` untracked branches around uses of the flow, and a put that frees it under the lock. */
function wideModel(n: number): ProtocolModel {
  const loc = { uri: 'test:/wide.c', line: 0 };
  const body: Instr[] = [
    { op: 'acquire', lock: 'L', mode: 'read', loc },
    { op: 'lookup', key: 'F', flow: 'f', skipInactive: false, loc },
    { op: 'release', lock: 'L', loc },
  ];
  for (let i = 0; i < n; i++) {
    const at = body.length;
    body.push({ op: 'choose', target: at + 2, loc: { uri: loc.uri, line: i + 1 } }, { op: 'use', flow: 'f', what: 'stats', loc: { uri: loc.uri, line: i + 1 } });
  }
  const put: Instr[] = [
    { op: 'acquire', lock: 'L', mode: 'write', loc },
    { op: 'lookup', key: 'F', flow: 'f', skipInactive: false, loc },
    { op: 'unlink', flow: 'f', loc },
    { op: 'free', flow: 'f', loc },
    { op: 'release', lock: 'L', loc },
  ];
  return {
    name: 'wide',
    listingUri: loc.uri,
    locks: [{ name: 'L', kind: 'rw' }],
    initialRefcount: 1,
    packet: { name: 'packet', entry: 'p', functions: [{ name: 'p', body }] },
    put: { name: 'put', entry: 'u', functions: [{ name: 'u', body: put }] },
  };
}

test('the model analysis of a 40,000-step program is not quadratic: the run stops at its limits, with its violation', { timeout: 240_000 }, () => {
  const t0 = Date.now();
  const r = simulate(wideModel(20_000), { packets: 2, puts: 1, timeLimitMs: 5_000, maxStates: 200_000 });
  // A ceiling that only catches the old quadratic analysis (minutes), not a speed check.
  assert.ok(Date.now() - t0 < 200_000, `${Date.now() - t0} ms`);
  assert.ok(r.violations.some((v) => v.invariant === 'use-after-free'));
});

test('a time limit spent before the search ends the run in the model analysis, and says so', () => {
  let now = 0;
  const r = simulate(wideModel(2_000), { packets: 2, puts: 1, timeLimitMs: 10, clock: () => (now += 100) });
  assert.equal(r.verdict, 'incomplete');
  assert.equal(r.stats.limit, 'time');
  assert.match(r.stats.stoppedBecause!, /^time limit of 10 ms CPU reached during the reduction's model analysis$/);
});
