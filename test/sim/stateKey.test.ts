// State keys: compact, one byte per character, and decodable back to the exact state.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKey, stateKey } from '../../src/core/sim/stateKey';

test('keys round-trip small, negative and large slot values', () => {
  const states = [[], [0, 1, -1, 190, -64], [191, -65, 32767, 1 << 14, -100000, 2 ** 31 - 1, -(2 ** 31)], Array.from({ length: 300 }, (_, i) => i - 150)];
  for (const s of states) assert.deepEqual(decodeKey(stateKey(s)), s);
});

test('small values take one character each and distinct states get distinct keys', () => {
  assert.equal(stateKey([0, 1, 2, -1]).length, 4);
  assert.ok([...stateKey([5, 300, -7])].every((c) => c.charCodeAt(0) < 256));
  const seen = new Set<string>();
  for (let a = -70; a < 200; a += 3) for (let b = -70; b < 200; b += 7) seen.add(stateKey([a, b]));
  assert.equal(seen.size, Math.ceil(270 / 3) * Math.ceil(270 / 7));
  // The escape character never collides with a short encoding: [191] vs [-64 + 255 - ...] etc.
  assert.notEqual(stateKey([191]), stateKey([190, 0]));
});
