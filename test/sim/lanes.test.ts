// The text report: lanes (one column per context, the step in the acting context's column, state
// changes on the right) and the CLI's exit codes and output formats.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { protocolModel } from '../../src/core/flowtable/protocols/index';
import { renderLanes, renderResult, stateChanges } from '../../src/core/sim/lanes';
import { simulate } from '../../src/core/sim/simulate';
import { StringSink } from '../../src/cli/output';
import { parseSimulateArgs, runSimulate, UsageError } from '../../src/cli/simulate';
import type { SimulationResult } from '../../src/core/sim/types';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let err = '';
  const sink = new StringSink();
  const e = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await runSimulate(args, { distDir: '.' }, sink);
    return { code, out: sink.text(), err };
  } finally {
    process.stderr.write = e;
  }
}

describe('lanes', () => {
  const r = simulate(protocolModel('seed-workflow')!, { packets: 2, puts: 1 });
  const v = r.violations.find((x) => x.invariant === 'use-after-free')!;

  test('one column per context, one row per step, the step in its context column', () => {
    const text = renderLanes(r, v.steps, { width: 160 });
    const rows = text.split('\n');
    assert.equal(rows.length, v.steps.length + 2);
    const header = rows[0]!.split('|').map((c) => c.trim());
    assert.deepEqual(header, ['#', 'packet 1', 'packet 2', 'put 1', 'state changes']);
    v.steps.forEach((s, i) => {
      const cells = rows[i + 2]!.split('|');
      assert.equal(cells[0]!.trim(), String(i + 1));
      for (let c = 0; c < r.contexts.length; c++) {
        const cell = cells[c + 1]!.trim();
        if (c === s.context) assert.ok(cell.startsWith(`${s.location.line + 1} `), `row ${i + 1}: ${cell}`);
        else assert.equal(cell, '', `row ${i + 1} column ${c}`);
      }
    });
    const last = rows[rows.length - 1]!;
    assert.match(last, /!! use-after-free/);
    assert.ok(rows.some((row) => / F FREED/.test(row) || /\| F FREED/.test(row)), 'the free shows as a state change');
  });

  test('state changes name what moved', () => {
    const first = v.steps[0]!;
    assert.deepEqual(stateChanges(r.initial, first.state), ['table: read packet 1']);
    const inc = v.steps.find((s) => s.op === 'refStore')!;
    assert.deepEqual(stateChanges(v.steps[inc.index - 1]!.state, inc.state), ['F refcount 1->2']);
  });

  test('the report lists every invariant, the costs and each violation with its replay string', () => {
    const text = renderResult(r);
    assert.match(text, /^seed-workflow: 2 packets, 1 put on flow F — VIOLATED$/m);
    assert.match(text, /^ {2}VIOLATED {2}use-after-free$/m);
    assert.match(text, /^ {2}safe {6}deadlock$/m);
    assert.match(text, /cost per packet: 13 steps, 2 lock acquisitions \(1 for writing\)/);
    for (const x of r.violations) assert.ok(text.includes(`--replay ${x.schedule}`));
  });
});

describe('lockstep simulate', () => {
  test('exit 1 with lanes for a violated protocol, 0 for a safe one', async () => {
    const bad = await cli(['--protocol', 'seed-workflow', '--packets', '2', '--puts', '1']);
    assert.equal(bad.code, 1);
    assert.match(bad.out, /packet 1 +\| packet 2 +\| put 1/);
    const good = await cli(['--protocol', 'ovs-windows', '--packets', '2', '--puts', '1']);
    assert.equal(good.code, 0);
    assert.match(good.out, /SAFE/);
  });

  test('JSON has the documented shape', async () => {
    const { code, out } = await cli(['--protocol', 'seed-refcount-api', '--packets', '1', '--puts', '1', '--format', 'json']);
    assert.equal(code, 1);
    const j = JSON.parse(out) as SimulationResult;
    assert.equal(j.protocol, 'seed-refcount-api');
    assert.deepEqual([j.scenario.packets, j.scenario.puts], [1, 1]);
    assert.equal(j.verdict, 'violated');
    assert.ok(j.violations.every((v) => typeof v.invariant === 'string' && typeof v.schedule === 'string' && Array.isArray(v.steps)));
    assert.ok(j.violations[0]!.steps.every((s) => s.location.uri === 'lockstep-protocol:/seed-refcount-api.c' && Number.isInteger(s.location.line)));
    assert.deepEqual(Object.keys(j.stats).slice(0, 3), ['states', 'transitions', 'ms']);
    assert.ok(j.costs.perPacket.steps > 0);
  });

  test('--replay reproduces a printed schedule', async () => {
    const first = JSON.parse((await cli(['--protocol', 'seed-workflow', '--format', 'json'])).out) as SimulationResult;
    const v = first.violations[0]!;
    const again = await cli(['--replay', v.schedule, '--format', 'json']);
    assert.equal(again.code, 1);
    const j = JSON.parse(again.out) as SimulationResult;
    assert.deepEqual(j.violations.find((x) => x.invariant === v.invariant)!.steps, v.steps);
  });

  test('--list and --listing', async () => {
    const list = await cli(['--list']);
    assert.equal(list.code, 0);
    for (const n of ['seed-workflow', 'seed-workflow-fixed', 'seed-refcount-api', 'seed-refcount-api-locked', 'ovs-windows', 'rcu']) assert.match(list.out, new RegExp(`^${n} `, 'm'));
    const listing = await cli(['--protocol', 'rcu', '--listing']);
    assert.equal(listing.code, 0);
    assert.match(listing.out, /^ {3}1 {2}\/\*$/m);
  });

  test('usage errors exit 2 with a message', async () => {
    for (const args of [[], ['--protocol', 'nope'], ['--protocol', 'rcu', '--packets', 'x'], ['--protocol', 'rcu', '--packets', '99'], ['--bogus'], ['--replay', 'garbage'], ['--replay', 'rcu:1x1:0*99'], ['--protocol', 'rcu', '--format', 'xml'], ['--protocol', 'rcu', '--packets', '0', '--puts', '0']]) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, /^lockstep simulate: /, args.join(' '));
    }
  });

  test('argument parsing', () => {
    const o = parseSimulateArgs(['--protocol=rcu', '--packets', '3', '--puts=2', '--preemptions', '1', '--no-reduction', '--random', '--seed', '9', '--runs', '5']);
    assert.deepEqual([o.protocol, o.packets, o.puts, o.preemptions, o.reduction, o.random, o.seed, o.runs], ['rcu', 3, 2, 1, false, true, 9, 5]);
    assert.throws(() => parseSimulateArgs(['--runs', '0']), UsageError);
  });
});
