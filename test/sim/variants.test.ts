// Protocol variants: the seed thread leaves open how the increment is done, the count a flow starts
// with, and how the put finds its flow. Each reading has its own name, listing and model; each
// listing quotes the thread, lists its assumptions, and says what breaks — and what it says must be
// what the explorer finds.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findProtocol, listProtocols, protocolNameFromUri, resolveProtocol } from '../../src/core/flowtable/protocols/index';
import { decodeSchedule } from '../../src/core/sim/schedule';
import { simulate, simulateReplay } from '../../src/core/sim/simulate';
import { INVARIANT_IDS } from '../../src/core/sim/types';
import type { InvariantId } from '../../src/core/sim/types';

/** Every variant of the seed workflow, by its values. */
function seedVariants(): { name: string; values: Record<string, string> }[] {
  const info = listProtocols().find((p) => p.name === 'seed-workflow')!;
  let combos: Record<string, string>[] = [{}];
  for (const p of info.variants!) combos = combos.flatMap((c) => p.values.map((v) => ({ ...c, [p.name]: v })));
  return combos.map((values) => ({ name: findProtocol(`seed-workflow(${Object.entries(values).map(([k, v]) => `${k}=${v}`).join(',')})`)!.info.name, values }));
}

/** The header's claims: each finding's first scenario and the invariants it names in parentheses. */
function claims(listing: string): { title: string; packets: number; puts: number; invariants: InvariantId[] }[] {
  const header = listing.slice(0, listing.indexOf('*/'));
  const section = header.slice(header.indexOf('WHAT THE MODEL CHECKER FINDS'));
  const paragraphs = section.split(/\n \*\n/).slice(1).map((p) => p.replace(/\n \*\s+/g, ' '));
  return paragraphs.filter((p) => /^ \* [A-Z' ]+ \(/.test(p)).map((p) => {
    const m = /^ \* ([A-Z' ]+) \((\d) packets?, (\d) puts?\)/.exec(p);
    assert.ok(m !== null, `a finding names its scenario: ${p.slice(0, 60)}`);
    return {
      title: m[1]!,
      packets: Number(m[2]),
      puts: Number(m[3]),
      invariants: INVARIANT_IDS.filter((inv) => new RegExp(`[(, ]${inv}[),]`).test(p)),
    };
  });
}

describe('seed-workflow variants', () => {
  const variants = seedVariants();

  test('eight readings, each with its own canonical name; the plain name is the default reading', () => {
    assert.equal(variants.length, 8);
    assert.equal(new Set(variants.map((v) => v.name)).size, 8);
    assert.equal(findProtocol('seed-workflow(increment=plain,initial=1,put=lookup-skips-inactive)')!.info.name, 'seed-workflow');
    assert.equal(findProtocol('seed-workflow(initial=0,increment=atomic)')!.info.name, 'seed-workflow(increment=atomic,initial=0)');
  });

  test('bad names say what is wrong', () => {
    assert.match(resolveProtocol('seed-workflow(colour=red)') as string, /has no parameter 'colour' \(parameters: increment, initial, put\)/);
    assert.match(resolveProtocol('seed-workflow(increment=maybe)') as string, /increment is one of plain, atomic/);
    assert.match(resolveProtocol('rcu(increment=atomic)') as string, /rcu has no variants/);
    assert.match(resolveProtocol('nope') as string, /unknown protocol 'nope'/);
  });

  test("each listing quotes the thread's words and names its own assumptions; its uri leads back to it", () => {
    const quote = (l: string): string => l.slice(l.indexOf("THE THREAD'S WORDS"), l.indexOf('OUR ASSUMPTIONS'));
    const base = findProtocol('seed-workflow')!.listing;
    assert.match(quote(base), /\* if new refcount is 1, mark the flag on the flow as INACTIVE/);
    for (const { name, values } of variants) {
      const def = findProtocol(name)!;
      assert.equal(quote(def.listing), quote(base), name);
      for (const [k, v] of Object.entries(values)) assert.match(def.listing, new RegExp(` \\*   ${k}=${v}: `), `${name}: ${k}=${v}`);
      assert.equal(protocolNameFromUri(def.info.listingUri), name);
      assert.equal(protocolNameFromUri(`lockstep-protocol:/${encodeURIComponent(name)}.c`), name);
      assert.equal(def.model().name, name);
    }
  });

  test('what each listing says breaks, breaks', () => {
    for (const { name } of variants) {
      const def = findProtocol(name)!;
      const said = claims(def.listing);
      assert.ok(said.length > 0, `${name}: the listing names its findings`);
      for (const c of said) {
        assert.ok(c.invariants.length > 0, `${name}: ${c.title} names the invariants it breaks`);
        const r = simulate(def.model(), { packets: c.packets, puts: c.puts });
        const broken = r.violations.map((v) => v.invariant);
        for (const inv of c.invariants) assert.ok(broken.includes(inv), `${name} ${c.packets}x${c.puts}: ${c.title} says ${inv}; found ${broken.join(', ')}`);
      }
    }
  });

  test('the lost update needs the plain increment: with an atomic one 2x1 is safe, 2x2 still breaks', () => {
    assert.deepEqual(simulate(findProtocol('seed-workflow')!.model(), { packets: 2, puts: 1 }).violations.map((v) => v.invariant), ['use-after-free', 'negative-refcount']);
    const atomic = findProtocol('seed-workflow(increment=atomic)')!.model();
    assert.equal(simulate(atomic, { packets: 2, puts: 1 }).verdict, 'safe');
    const r = simulate(atomic, { packets: 2, puts: 2 });
    // Shortest, proven: 33 and 38 steps (the reduced search alone reported 34 and 39).
    assert.deepEqual(r.violations.map((v) => [v.invariant, v.steps.length, v.shortestProven]), [
      ['stale-lookup', 23, true],
      ['use-after-free', 33, true],
      ['negative-refcount', 38, true],
    ]);
  });

  test("a variant's schedule replays by its name alone", () => {
    const name = 'seed-workflow(increment=atomic,put=no-lookup)';
    const r = simulate(findProtocol(name)!.model(), { packets: 1, puts: 2 });
    const v = r.violations[0]!;
    const parsed = decodeSchedule(v.schedule);
    assert.equal(parsed.protocol, name);
    const again = simulateReplay(findProtocol(parsed.protocol)!.model(), { packets: parsed.packets, puts: parsed.puts }, parsed.steps);
    assert.ok(again.violations.some((x) => x.invariant === v.invariant));
  });
});
