// Semantics of the reference flow table and its lock, on small hand-written step programs: the NDIS
// reader-writer lock, RCU grace periods, the flow operations, control flow and every invariant.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ListingBuilder } from '../../src/core/model/builder';
import type { FunctionBuilder } from '../../src/core/model/builder';
import { compileModel } from '../../src/core/sim/compile';
import type { LockDecl, ProtocolModel, StepFunction } from '../../src/core/model/program';
import { replay } from '../../src/core/sim/schedule';
import { scenarioOf, simulate } from '../../src/core/sim/simulate';
import type { InvariantId, ScheduleStep, SimulationResult } from '../../src/core/sim/types';

// A listing of numbered marker lines: steps point at "@00", "@01", ...
const LISTING = Array.from({ length: 60 }, (_, i) => `@${String(i).padStart(2, '0')}`).join('\n');

interface Spec {
  locks?: LockDecl[];
  rc?: number;
  packet: (b: FunctionBuilder) => FunctionBuilder;
  put?: (b: FunctionBuilder) => FunctionBuilder;
  helpers?: (l: ListingBuilder) => StepFunction[];
}

function model(spec: Spec): ProtocolModel {
  const l = new ListingBuilder('test:/m.c', LISTING);
  const packet = spec.packet(l.fn('packet', '@00')).build();
  const put = (spec.put ?? ((b: FunctionBuilder) => b.nop('idle')))(l.fn('put', '@20')).build();
  const helpers = spec.helpers?.(l) ?? [];
  return {
    name: 'test',
    listingUri: 'test:/m.c',
    locks: spec.locks ?? [{ name: 'L', kind: 'rw' }],
    initialRefcount: spec.rc ?? 1,
    packet: { name: 'packet', entry: 'packet', functions: [packet, ...helpers] },
    put: { name: 'put', entry: 'put', functions: [put, ...helpers] },
  };
}

/** Runs the given contexts' steps in order (no choices) and returns the step records. */
function steps(m: ProtocolModel, packets: number, puts: number, order: number[]): ScheduleStep[] {
  return replay(compileModel(m, scenarioOf({ packets, puts })), order.map((ctx) => ({ ctx, choice: -1 }))).steps;
}

const broken = (r: SimulationResult): InvariantId[] => r.violations.map((v) => v.invariant).sort();

describe('NDIS reader-writer lock', () => {
  const m = model({
    packet: (b) => b.at('@01').acquire('L', 'read').at('@02').nop('work').at('@03').release('L'),
    put: (b) => b.at('@21').acquire('L', 'write').at('@22').release('L'),
  });

  test('readers share; a waiting writer blocks new readers; the writer gets the lock when readers leave', () => {
    // packet 1 reads; put 1 asks for write (waits); packet 2 asks for read (waits behind the writer).
    const s = steps(m, 2, 1, [0, 2, 1]);
    assert.deepEqual(s[0]!.state.locks[0]!.readers, [0]);
    assert.equal(s[1]!.state.contexts[2]!.status, 'blocked');
    assert.match(s[1]!.state.contexts[2]!.blockedReason!, /held for reading by packet 1/);
    assert.deepEqual(s[2]!.state.locks[0]!.waitingReaders, [1]);
    assert.match(s[2]!.effect, /put 1 waits to write \(a waiting writer blocks new readers\)/);
    // packet 1 finishes; now the writer, not the waiting reader, can go.
    const t = steps(m, 2, 1, [0, 2, 1, 0, 0, 2]);
    assert.equal(t[4]!.state.contexts[1]!.status, 'blocked');
    assert.equal(t[5]!.state.locks[0]!.writer, 2);
  });

  test('two readers hold it together', () => {
    const s = steps(m, 2, 0, [0, 1]);
    assert.deepEqual(s[1]!.state.locks[0]!.readers, [0, 1]);
  });

  test('not recursive: a second read acquisition by the holder deadlocks', () => {
    const rec = model({ packet: (b) => b.at('@01').acquire('L', 'read').at('@02').acquire('L', 'read').at('@03').release('L').release('L') });
    const r = simulate(rec, { packets: 1, puts: 0 });
    assert.deepEqual(broken(r), ['deadlock']);
    assert.match(r.violations[0]!.message, /packet 1 waits for L \(read\): packet 1 already holds it/);
  });

  test('no upgrade: read then write by the same context deadlocks', () => {
    const up = model({ packet: (b) => b.at('@01').acquire('L', 'read').at('@02').acquire('L', 'write').at('@03').release('L') });
    assert.deepEqual(broken(simulate(up, { packets: 1, puts: 0 })), ['deadlock']);
  });

  test('lock order inversion between two locks deadlocks with two contexts', () => {
    const ab = model({
      locks: [{ name: 'A', kind: 'mutex' }, { name: 'B', kind: 'mutex' }],
      packet: (b) => b.at('@01').acquire('A', 'write').at('@02').acquire('B', 'write').at('@03').release('B').release('A'),
      put: (b) => b.at('@21').acquire('B', 'write').at('@22').acquire('A', 'write').at('@23').release('A').release('B'),
    });
    const r = simulate(ab, { packets: 1, puts: 1 });
    assert.deepEqual(broken(r), ['deadlock']);
    assert.equal(r.violations[0]!.steps.length, 4);
  });

  test('lock-discipline: releasing a lock not held, or held by another context', () => {
    const unheld = model({ packet: (b) => b.at('@01').release('L') });
    const r = simulate(unheld, { packets: 1, puts: 0 });
    assert.deepEqual(broken(r), ['lock-discipline']);
    assert.equal(r.violations[0]!.message, 'lock discipline: packet 1 releases L, which it does not hold');
    const other = model({ packet: (b) => b.at('@01').acquire('L', 'write').at('@02').nop('x'), put: (b) => b.at('@21').release('L') });
    assert.deepEqual(broken(simulate(other, { packets: 1, puts: 1 })), ['lock-discipline']);
  });
});

describe('RCU', () => {
  const m = model({
    locks: [{ name: 'rcu', kind: 'rcu' }],
    packet: (b) => b.at('@01').acquire('rcu', 'read').at('@02').nop('read side').at('@03').release('rcu'),
    put: (b) => b.at('@21').synchronize('rcu').at('@22').nop('after'),
  });

  test('a grace period waits for the readers inside when it began, not for later ones', () => {
    // packet 1 enters; put 1 starts a grace period (waits for packet 1); packet 2 enters later.
    const s = steps(m, 2, 1, [0, 2, 1, 0, 0]);
    assert.match(s[1]!.effect, /waits for packet 1/);
    assert.equal(s[2]!.state.contexts[1]!.status, 'ready', 'readers never block');
    assert.equal(s[3]!.state.contexts[2]!.status, 'blocked');
    // packet 1 has left; packet 2 is still inside, yet the grace period is over.
    assert.equal(s[4]!.state.contexts[2]!.status, 'ready');
    const t = steps(m, 2, 1, [0, 2, 1, 0, 0, 2]);
    assert.equal(t[5]!.effect, 'grace period on rcu over');
  });
});

describe('flow operations and invariants', () => {
  test('use after free, and the message names who freed it', () => {
    const m = model({
      rc: 0,
      packet: (b) => b.at('@01').lookup('F', 'f', false).at('@02').nop('gap').at('@03').use('f', 'actions'),
      put: (b) => b.at('@21').lookup('F', 'f', false).at('@22').unlink('f').at('@23').free('f'),
    });
    const r = simulate(m, { packets: 1, puts: 1 });
    assert.deepEqual(broken(r), ['use-after-free']);
    assert.equal(r.violations[0]!.message, 'use after free: packet 1 uses flow F after put 1 freed it');
    assert.equal(r.violations[0]!.steps[r.violations[0]!.at]!.location.line, 3);
  });

  test('double free and negative refcount', () => {
    const m = model({
      rc: 1,
      packet: (b) => b.at('@01').lookup('F', 'f', false).at('@02').refAtomic('f', -1, 'n').at('@03').jump({ kind: 'value', reg: 'n', op: '>', value: 0 }, 'out').at('@04').free('f').label('out').ret(),
    });
    const r = simulate(m, { packets: 2, puts: 0 });
    assert.ok(broken(r).includes('negative-refcount'));
    // Both packets decrement: the second sees -1 and does not free; with an unlink missing, a leak shows.
    const twice = model({ rc: 1, packet: (b) => b.at('@01').lookup('F', 'f', false).at('@02').unlink('f').at('@03').free('f') });
    const t = simulate(twice, { packets: 2, puts: 0 });
    assert.ok(broken(t).includes('double-free'), broken(t).join());
  });

  test('leak: unlinked but never freed, and freed while still linked', () => {
    const unlinked = model({ rc: 0, packet: (b) => b.at('@01').lookup('F', 'f', false).at('@02').unlink('f') });
    const a = simulate(unlinked, { packets: 1, puts: 0 });
    assert.deepEqual(broken(a), ['leak']);
    assert.match(a.violations[0]!.message, /flow F was unlinked but never freed/);
    const linked = model({ rc: 0, packet: (b) => b.at('@01').lookup('F', 'f', false).at('@02').free('f') });
    const b2 = simulate(linked, { packets: 1, puts: 0 });
    assert.deepEqual(broken(b2), ['leak']);
    assert.match(b2.violations[0]!.message, /flow F was freed while still linked/);
  });

  test('stale lookup: a use of a flow the lookup returned after a completed delete left it in the table', () => {
    // The put deletes by dropping the table's reference (the seed's way) and leaves the flow linked, ACTIVE.
    const m = model({
      rc: 2,
      packet: (b) => b.at('@01').lookup('F', 'f', true).at('@02').use('f', 'actions'),
      put: (b) => b.at('@21').lookup('F', 'f', true).at('@22').refAtomic('f', -1),
    });
    const r = simulate(m, { packets: 1, puts: 1 });
    assert.deepEqual(broken(r), ['stale-lookup']);
    const v = r.violations[0]!;
    assert.equal(v.message, 'stale lookup: packet 1 uses flow F, which its lookup returned after put 1 had finished deleting it');
    assert.equal(v.steps[v.at]!.op, 'use');
    assert.equal(v.shortestProven, true);
  });

  test('stale lookup is checked at the use: a lookup alone, or a put that only modifies the flow, breaks nothing', () => {
    const lookupOnly = model({
      rc: 2,
      packet: (b) => b.at('@01').lookup('F', 'f', true),
      put: (b) => b.at('@21').lookup('F', 'f', true).at('@22').refAtomic('f', -1),
    });
    assert.deepEqual(broken(simulate(lookupOnly, { packets: 1, puts: 1 })), []);
    const modify = model({
      packet: (b) => b.at('@01').lookup('F', 'f', true).at('@02').use('f', 'actions'),
      put: (b) => b.at('@21').lookup('F', 'f', true).at('@22').use('f', 'write actions'),
    });
    assert.deepEqual(broken(simulate(modify, { packets: 1, puts: 2 })), []);
  });

  test("stale lookup of an INACTIVE flow: the code's own flag test before the use keeps it safe", () => {
    const put = (b: FunctionBuilder): FunctionBuilder => b.at('@21').lookup('F', 'f', false).at('@22').flagWrite('f', 'INACTIVE');
    const noTest = model({ packet: (b) => b.at('@01').lookup('F', 'f', false).at('@02').use('f', 'actions'), put });
    const r = simulate(noTest, { packets: 1, puts: 1 });
    assert.deepEqual(broken(r), ['stale-lookup']);
    assert.equal(r.violations[0]!.message, 'stale lookup: packet 1 uses flow F, which its lookup returned while it was marked INACTIVE');
    const tested = model({
      packet: (b) => b.at('@01').lookup('F', 'f', false).at('@02').jump({ kind: 'flag', flow: 'f', value: 'INACTIVE' }, 'skip').at('@03').use('f', 'actions').label('skip').at('@04').nop('done'),
      put,
    });
    assert.deepEqual(broken(simulate(tested, { packets: 1, puts: 1 })), []);
  });

  test('lookup skips INACTIVE flows only when asked; insert links a new flow that lookups find', () => {
    const m = model({
      rc: 1,
      packet: (b) =>
        b.at('@01').lookup('F', 'f', false).at('@02').flagWrite('f', 'INACTIVE')
          .at('@03').lookup('F', 'g', true).at('@04').lookup('F', 'h', false)
          .at('@05').insert('G', 'n', 1).at('@06').lookup('G', 'k', true),
    });
    const s = steps(m, 1, 0, [0, 0, 0, 0, 0, 0]);
    assert.equal(s[2]!.effect, 'lookup finds nothing');
    assert.equal(s[3]!.effect, 'lookup finds F');
    assert.deepEqual(s[4]!.state.flows.map((f) => [f.key, f.refcount, f.linked]), [['F', 1, true], ['G', 1, true]]);
    assert.deepEqual(s[5]!.state.contexts[0]!.registers, { f: 'F', g: null, h: 'F', n: 'G', k: 'G' });
  });

  test('a plain load + store loses an update that an atomic increment does not', () => {
    const plain = model({ rc: 0, packet: (b) => b.at('@01').lookup('F', 'f', false).at('@02').refLoad('f', 'r').at('@03').refStore('f', 'r', 1) });
    const s = steps(plain, 2, 0, [0, 1, 0, 1, 0, 1]);
    assert.equal(s[5]!.state.flows[0]!.refcount, 1);
    const atomic = model({ rc: 0, packet: (b) => b.at('@01').lookup('F', 'f', false).at('@02').refAtomic('f', 1) });
    const t = steps(atomic, 2, 0, [0, 1, 0, 1]);
    assert.equal(t[3]!.state.flows[0]!.refcount, 2);
  });
});

describe('control flow', () => {
  test('choose explores both branches; a bounded loop runs its count; call and return nest', () => {
    const m = model({
      rc: 0,
      packet: (b) =>
        b.at('@01').lookup('F', 'f', false)
          .label('top').at('@02').call('touch')
          .at('@03').loop('i', 3, 'top')
          .at('@04').choose('skip')
          .at('@05').unlink('f')
          .label('skip').at('@06').ret(),
      helpers: (l) => [l.fn('touch', '@40').at('@41').use('f', 'fields').at('@42').ret().build()],
    });
    const r = simulate(m, { packets: 1, puts: 0 });
    // The branch that unlinks never frees: leak, on that branch only.
    assert.deepEqual(broken(r), ['leak']);
    const leak = r.violations[0]!;
    assert.equal(leak.steps.filter((s) => s.op === 'use').length, 3, 'the loop body ran 3 times');
    assert.ok(leak.steps.some((s) => s.op === 'choose' && s.choice === 0));
    assert.equal(Math.max(...leak.steps.map((s) => s.state.contexts[0]!.depth)), 1);
    assert.equal(leak.steps.find((s) => s.op === 'use')!.location.line, 41);
  });

  test('with loops the cycle proviso keeps the reduced search sound', () => {
    const spin = model({
      rc: 1,
      packet: (b) => b.at('@01').lookup('F', 'f', true).label('again').at('@02').jump({ kind: 'flag', flow: 'f', value: 'ACTIVE' }, 'again').at('@03').nop('left'),
      put: (b) => b.at('@21').lookup('F', 'f', true).at('@22').flagWrite('f', 'INACTIVE'),
    });
    const red = simulate(spin, { packets: 1, puts: 1 });
    const full = simulate(spin, { packets: 1, puts: 1, reduction: false });
    assert.deepEqual(red.verdicts, full.verdicts);
    assert.equal(red.stats.complete, true);
  });

  test('bad programs fail with a clear model error', () => {
    const l = new ListingBuilder('test:/m.c', LISTING);
    assert.throws(() => l.fn('x', 'nowhere'), /no line containing "nowhere"/);
    assert.throws(() => l.fn('x', '@01').goto('missing').build(), /unknown label missing/);
    const undeclared = model({ locks: [], packet: (b) => b.at('@01').acquire('Q', 'read') });
    assert.throws(() => simulate(undeclared, { packets: 1, puts: 0 }), /undeclared lock Q/);
    const mixed = model({ packet: (b) => b.at('@01').lookup('F', 'x', false).at('@02').refLoad('f', 'x') });
    assert.throws(() => simulate(mixed, { packets: 1, puts: 0 }), /used both as a flow and as a value/);
  });
});
