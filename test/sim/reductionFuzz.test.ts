// Differential test of the partial-order reduction: on many random small programs (locks, flow
// operations, branches), the reduced search and full enumeration must give the same verdicts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListingBuilder } from '../../src/core/model/builder';
import type { FunctionBuilder } from '../../src/core/model/builder';
import type { ProtocolModel } from '../../src/core/model/program';
import { mulberry32 } from '../../src/core/sim/random';
import { simulate } from '../../src/core/sim/simulate';

const LISTING = Array.from({ length: 80 }, (_, i) => `@${String(i).padStart(2, '0')}`).join('\n');

/** A random program: optional lock sections around random flow steps, a forward branch or two. */
function randomBody(rand: () => number, b: FunctionBuilder, line: number): FunctionBuilder {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  let l = line;
  const at = (): FunctionBuilder => b.at(`@${String(l++).padStart(2, '0')}`);
  at().lookup('F', 'f', rand() < 0.5);
  at().jump({ kind: 'null', flow: 'f' }, 'end');
  const n = 2 + Math.floor(rand() * 3);
  let labelled = false;
  for (let i = 0; i < n; i++) {
    const locked = rand() < 0.5;
    const lock = pick(['A', 'B']);
    if (locked) at().acquire(lock, pick(['read', 'write'] as const));
    const op = pick(['inc', 'dec', 'load-store', 'flag', 'use', 'unlink', 'free', 'branch', 'choose'] as const);
    switch (op) {
      case 'inc': at().refAtomic('f', 1); break;
      case 'dec': at().refAtomic('f', -1, 'n'); break;
      case 'load-store': at().refLoad('f', 'r'); at().refStore('f', 'r', pick([1, -1])); break;
      case 'flag': at().flagWrite('f', 'INACTIVE'); break;
      case 'use': at().use('f', 'x'); break;
      case 'unlink': at().unlink('f'); break;
      case 'free': at().free('f'); break;
      case 'branch':
        if (!labelled) { at().jump({ kind: 'refcount', flow: 'f', op: '>', value: 1 }, 'tail'); labelled = true; }
        break;
      case 'choose':
        if (!labelled) { at().choose('tail'); labelled = true; }
        break;
    }
    if (locked) at().release(lock);
  }
  b.label('tail');
  if (labelled) at().use('f', 'tail');
  b.label('end');
  return at().ret();
}

function randomModel(seed: number): ProtocolModel {
  const rand = mulberry32(seed);
  const l = new ListingBuilder('test:/fuzz.c', LISTING);
  const packet = randomBody(rand, l.fn('packet', '@00'), 1).build();
  const put = randomBody(rand, l.fn('put', '@40'), 41).build();
  return {
    name: `fuzz-${seed}`,
    listingUri: 'test:/fuzz.c',
    locks: [{ name: 'A', kind: 'rw' }, { name: 'B', kind: 'mutex' }],
    initialRefcount: 1,
    packet: { name: 'packet', entry: 'packet', functions: [packet] },
    put: { name: 'put', entry: 'put', functions: [put] },
  };
}

test('reduced and full searches agree on 24 random programs (2 packets x 1 put, 1 x 2)', () => {
  const outcomes = new Set<string>();
  for (let seed = 1; seed <= 24; seed++) {
    const m = randomModel(seed);
    for (const [p, u] of [[2, 1], [1, 2]] as const) {
      const full = simulate(m, { packets: p, puts: u, reduction: false });
      const reduced = simulate(m, { packets: p, puts: u, reduction: true });
      assert.deepEqual(reduced.verdicts, full.verdicts, `seed ${seed}, ${p}x${u}`);
      outcomes.add(full.violations.map((v) => v.invariant).sort().join(','));
    }
  }
  // The programs differ enough to break different sets of invariants (the comparison is not vacuous).
  assert.ok(outcomes.size >= 5, [...outcomes].join(' | '));
});
