// `lockstep simulate --file X.c --packet fn --put fn`: argument checks, text and JSON output, replay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { SimulateInputError, parseSimulateArgs, runFileModel } from '../../src/cli/simulate';
import { FIXTURES, fixtureText, lineOf, sharedParser } from './helpers';

async function run(args: string[]): Promise<{ code: number; out: string }> {
  await sharedParser(); // the grammar is loaded once per process; the CLI's parser reuses it
  const o = parseSimulateArgs(args);
  let out = '';
  const code = await runFileModel(o, o.replay, { distDir: path.join(FIXTURES, 'unused') }, { write: (t) => (out += t) });
  return { code, out };
}

const LEAK = path.join(FIXTURES, 'bug_error_path_leak.c');

test('file mode arguments: both functions are required, --protocol is not allowed', () => {
  assert.throws(() => parseSimulateArgs(['--file', 'x.c', '--packet', 'A']), /--file needs --packet <function> and --put <function>/);
  assert.throws(() => parseSimulateArgs(['--packet', 'A', '--put', 'B']), /add --file/);
  assert.throws(() => parseSimulateArgs(['--file', 'x.c', '--protocol', 'rcu', '--packet', 'A', '--put', 'B']), /do not go together/);
  const o = parseSimulateArgs(['--file', 'x.c', '--packet', 'A', '--put', 'B', '--puts', '2', '--loop-bound', '3', '--initial-refcount', '0']);
  assert.deepEqual([o.file, o.packetFn, o.putFn, o.puts, o.loopBound, o.initialRefcount], ['x.c', 'A', 'B', 2, 3, 0]);
});

test('text output: what was not modelled, verdicts, and lanes on the C lines (1-based)', async () => {
  const { code, out } = await run(['--file', LEAK, '--packet', 'OvsPacketPath', '--put', 'OvsFlowDelete', '--packets', '1']);
  assert.equal(code, 1);
  const text = fixtureText('bug_error_path_leak.c');
  assert.match(out, /not modelled exactly \(2\):/);
  assert.ok(out.includes(`bug_error_path_leak.c:${lineOf(text, 'if (status != NDIS_STATUS_SUCCESS)') + 1}  nondeterministic`));
  assert.match(out, /VIOLATED {2}leak/);
  // The lanes' cells start with the 1-based C line: the early return of the error path.
  const bugLine = lineOf(text, 'BUG: the reference is never dropped') + 1;
  assert.match(out, new RegExp(`\\| ${bugLine} done`));
});

test('JSON output is a SimulationResult plus the extraction, and its schedule replays', async () => {
  const { out } = await run(['--file', LEAK, '--packet', 'OvsPacketPath', '--put', 'OvsFlowDelete', '--packets', '1', '--format', 'json']);
  const r = JSON.parse(out) as { protocol: string; verdict: string; violations: { invariant: string; schedule: string }[]; extraction: { unmodelled: unknown[] } };
  assert.equal(r.protocol, 'bug_error_path_leak.c:OvsPacketPath+OvsFlowDelete');
  assert.equal(r.verdict, 'violated');
  assert.equal(r.extraction.unmodelled.length, 2);
  const schedule = r.violations[0]!.schedule;
  const again = await run(['--file', LEAK, '--packet', 'OvsPacketPath', '--put', 'OvsFlowDelete', '--replay', schedule, '--format', 'json']);
  const rr = JSON.parse(again.out) as { violations: { invariant: string; schedule: string }[]; stats: { mode: string } };
  assert.equal(rr.stats.mode, 'replay');
  assert.deepEqual(rr.violations.map((v) => [v.invariant, v.schedule]), [['leak', schedule]]);
});

test('errors: an unknown function, a schedule of other functions', async () => {
  await assert.rejects(() => run(['--file', LEAK, '--packet', 'Nope', '--put', 'OvsFlowDelete']), (e: unknown) => e instanceof SimulateInputError && /no function Nope/.test(e.message));
  await assert.rejects(() => run(['--file', LEAK, '--packet', 'OvsPacketPath', '--put', 'OvsFlowDelete', '--replay', 'other.c:A+B:1x1:0']), /the schedule is for other.c:A\+B/);
  await assert.rejects(() => run(['--file', path.join(FIXTURES, 'missing.c'), '--packet', 'A', '--put', 'B']), SimulateInputError);
});

test('functions in two files: --packet a.c:fn --put b.c:fn; lanes name the other file', async () => {
  const pkt = path.join(FIXTURES, 'packet_after_unlock.c');
  const dp = path.join(FIXTURES, 'flow_put_modify_delete.c');
  const { code, out } = await run(['--packet', `${pkt}:DpPacketPath`, '--put', `${dp}:DpPutFlow`, '--packets', '1', '--puts', '1']);
  assert.equal(code, 1);
  assert.match(out, /^packet_after_unlock\.c:DpPacketPath\+flow_put_modify_delete\.c:DpPutFlow: 1 packet, 1 put on flow F — VIOLATED$/m);
  const del = lineOf(fixtureText('flow_put_modify_delete.c'), 'delete: after the modify branch') + 1;
  // The cell is cut to the lane width: the file, the line and the start of "frees F".
  assert.match(out, new RegExp(`\\| flow_put_modify_delete\\.c:${del} fre`));
  assert.throws(() => parseSimulateArgs(['--packet', 'A', '--put', `${dp}:DpPutFlow`]), /add --file X\.c, or write file\.c:function/);
});
