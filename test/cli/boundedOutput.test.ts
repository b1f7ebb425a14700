import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FINDINGS_PER_FUNCTION, PATH_HEAD_STEPS, PATH_TAIL_STEPS, capPathSteps } from '../../src/core/findingCaps';
import { assertNoCrash, buildCli, runCli, tempDir, writeFile } from './helpers';

/**
 * Issue 22 item 4: output grew with the square of a function's size (72 KB of alternating
 * lock/unlock branches printed 105 MB, 291 KB aborted V8, a 50k-label goto web printed 50,000
 * findings). Paths are capped (head, "… N steps not shown …", tail), findings per function are
 * capped with one note, JSON and SARIF are streamed.
 */
const root = tempDir('bounded-output');
const CEILING_MS = 300_000;

function fn(body: string[]): string {
  return `struct d { int lock; };\nint f(struct d *d, int x)\n{\n${body.join('\n')}\n    return 0;\n}\n`;
}

before(() => {
  buildCli();
  const alternating: string[] = [];
  for (let i = 0; i < 1100; i++) alternating.push(`    if (x & ${(i % 31) + 1}) spin_lock(&d->lock); else spin_unlock(&d->lock);`);
  writeFile(root, 'alt.c', fn(alternating));
  const web: string[] = ['    spin_lock(&d->lock);'];
  for (let i = 0; i < 3000; i++) web.push(`l${i}: if (x == ${i}) { spin_unlock(&d->lock); goto l${(i * 7919) % 3000}; }`);
  writeFile(root, 'web.c', fn(web));
});

test('a path is its first and last steps with the middle counted', () => {
  const steps = Array.from({ length: 1000 }, (_, i) => ({ range: { start: { line: i, column: 0 }, end: { line: i, column: 1 } }, message: `step ${i}` }));
  const capped = capPathSteps(steps);
  assert.equal(capped.length, PATH_HEAD_STEPS + 1 + PATH_TAIL_STEPS);
  assert.equal(capped[PATH_HEAD_STEPS]!.message, `… ${(1000 - PATH_HEAD_STEPS - PATH_TAIL_STEPS).toLocaleString('en-US')} steps not shown …`);
  assert.equal(capped.at(-1)!.message, 'step 999');
  assert.equal(capPathSteps(steps.slice(0, 25)).length, 25);
});

test('72 KB of alternating lock/unlock branches: bounded text, at most 50 findings and one note for the rest', () => {
  const r = runCli(['check', 'alt.c'], { cwd: root, timeoutMs: CEILING_MS });
  assertNoCrash(r, 'alternating branches');
  const findings = r.stdout.split('\n').filter((l) => /^alt\.c:\d+:\d+: /.test(l)).length;
  assert.ok(findings > 0 && findings <= MAX_FINDINGS_PER_FUNCTION, `${findings} findings`);
  assert.ok(r.stdout.length < 1_000_000, `${r.stdout.length} bytes of text (it was ~100 MB for this size)`);
  assert.match(r.stderr, /^lockstep check: note: alt\.c: \d+ more findings? in f\(\) not shown \(at most 50 per function\)$/m);
  for (const path of r.stdout.split('    path in f():').slice(1)) {
    const steps = path.split('\n').filter((l) => /^ {6}\d+\. /.test(l)).length;
    assert.ok(steps <= PATH_HEAD_STEPS + 1 + PATH_TAIL_STEPS, `${steps} steps`);
  }
});

test('the same as JSON and SARIF: whole documents, the note inside them', () => {
  const json = runCli(['check', 'alt.c', '--format', 'json'], { cwd: root, timeoutMs: CEILING_MS });
  assertNoCrash(json, 'json');
  const j = JSON.parse(json.stdout) as { findings: unknown[]; notes: { file: string; message: string }[] };
  assert.ok(j.findings.length <= MAX_FINDINGS_PER_FUNCTION);
  assert.ok(j.notes.some((n) => n.file === 'alt.c' && /not shown \(at most 50 per function\)/.test(n.message)));
  const sarif = runCli(['check', 'alt.c', '--format', 'sarif'], { cwd: root, timeoutMs: CEILING_MS });
  assertNoCrash(sarif, 'sarif');
  const s = JSON.parse(sarif.stdout) as { runs: { results: unknown[]; invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
  assert.ok(s.runs[0]!.results.length <= MAX_FINDINGS_PER_FUNCTION);
  assert.match(s.runs[0]!.invocations[0]!.toolExecutionNotifications[0]!.message.text, /not shown/);
});

test('a goto web of 3,000 labels: at most 50 findings, bounded output, no crash', () => {
  const r = runCli(['check', 'web.c', '--format', 'json', '--fail-on', 'none'], { cwd: root, timeoutMs: CEILING_MS });
  assertNoCrash(r, 'goto web');
  const j = JSON.parse(r.stdout) as { findings: unknown[] };
  assert.ok(j.findings.length <= MAX_FINDINGS_PER_FUNCTION, `${j.findings.length} findings`);
  assert.ok(r.stdout.length < 5_000_000, `${r.stdout.length} bytes`);
});
