import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import type { Finding } from '../../../src/core/findings';
import { applyEdits } from '../../../src/core/fixes/applyEdits';
import { analyzeFiles } from '../../../src/core/project';
import { repoRoot, testParser } from '../../helpers/grammar';

const knowledge = builtinKnowledge();
const FIXTURE = path.join(repoRoot, 'test', 'fixtures', 'refs', 'try_ref_needed.c');

async function findings(uri: string, text: string): Promise<Finding[]> {
  return analyzeFiles(await testParser(), [{ uri, text }], { knowledge, fixes: true }).findings;
}

/** Each try-ref-needed of the fixture (by function) and what its fix writes; null: no fix. */
const EXPECTED: Record<string, { title: string; lines: string[] } | null> = {
  tunnel_get_last: { title: 'Use the try form; a t that is being freed is not found: `if (!kref_get_unless_zero(&t->kref)) t = NULL;`',
    lines: ['    if (t && !kref_get_unless_zero(&t->kref))', '        t = NULL;'] },
  tunnel_find: { title: 'Use the try form and skip a t that is being freed: `if (!refcount_inc_not_zero(&t->users)) continue;`',
    lines: ['            if (!refcount_inc_not_zero(&t->users))', '                continue;'] },
  tunnel_pin: { title: 'Use the try form and skip a t that is being freed: `if (!atomic_inc_not_zero(&t->refcnt)) continue;`',
    lines: ['        if (!atomic_inc_not_zero(&t->refcnt))', '            continue;'] },
  // A wrapper of the file (dp_port_ref): its try form is another function, not a one-line edit.
  dp_collect_ports: null,
  dp_primary_ref: { title: 'Use the try form; a port that is being freed is not found: `if (!ovs_refcount_try_ref_rcu(&port->ref_cnt)) port = NULL;`',
    lines: ['        if (!ovs_refcount_try_ref_rcu(&port->ref_cnt))', '            port = NULL;'] },
};

test('try-ref-needed: each fix writes the try form with its failure branch, and the function is then clean', async () => {
  const text = readFileSync(FIXTURE, 'utf8');
  const before = (await findings(FIXTURE, text)).filter((f) => f.ruleId === 'try-ref-needed');
  assert.deepEqual(before.map((f) => f.functionName).sort(), Object.keys(EXPECTED).sort());
  for (const f of before) {
    const want = EXPECTED[f.functionName!]!;
    if (want === null) {
      assert.equal(f.fixes, undefined, `${f.functionName}: no fix`);
      continue;
    }
    const fix = f.fixes?.[0];
    assert.ok(fix, `${f.functionName}: a fix`);
    assert.equal(fix.title, want.title);
    assert.equal(fix.isPreferred, true);
    const fixed = applyEdits(text, fix.edits);
    // The fixture's `/* expect: … */` comments stay where they were: compare the code.
    const lines = fixed.split('\n').map((l) => l.replace(/\s*\/\*[^*]*\*\/$/, ''));
    const at = lines.indexOf(want.lines[0]!);
    assert.ok(at >= 0, `${f.functionName}: the fixed text has ${JSON.stringify(want.lines[0])}`);
    assert.deepEqual(lines.slice(at, at + want.lines.length), want.lines);
    // Nothing is left in that function: the try form is the whole answer, not a new problem.
    const after = (await findings(FIXTURE, fixed)).filter((x) => x.functionName === f.functionName);
    assert.deepEqual(after.map((x) => `${x.ruleId}@${x.range.start.line + 1}: ${x.message}`), []);
  }
});

const LOOKUP = (body: string): string => [
  'struct obj { struct kref kref; int key; };',
  'struct table { struct obj __rcu *cur; };',
  'struct obj *obj_get(struct table *tbl)',
  '{',
  '\tstruct obj *o;',
  '',
  '\trcu_read_lock();',
  '\to = rcu_dereference(tbl->cur);',
  body,
  '\trcu_read_unlock();',
  '\treturn o;',
  '}',
  '',
].join('\n');

test('try-ref-needed: `if (p) get; else …` keeps its else (the try form goes in braces)', async () => {
  const text = LOOKUP('\tif (o)\n\t\tkref_get(&o->kref);\n\telse\n\t\to = NULL;');
  const f = (await findings('file:///else.c', text)).filter((x) => x.ruleId === 'try-ref-needed');
  assert.equal(f.length, 1);
  const fix = f[0]!.fixes?.[0];
  assert.ok(fix);
  const fixed = applyEdits(text, fix.edits);
  assert.ok(fixed.includes('\tif (o)\n\t\t{\n\t\t\tif (!kref_get_unless_zero(&o->kref))\n\t\t\t\to = NULL;\n\t\t}\n\telse\n\t\to = NULL;'), fixed);
  assert.deepEqual((await findings('file:///else.c', fixed)).map((x) => x.ruleId), []);
});

test('try-ref-needed: no fix when the function never copes with NULL (`p = NULL` would crash later)', async () => {
  const text = LOOKUP('\tkref_get(&o->kref);\n\to->key++;');
  const f = (await findings('file:///nonull.c', text)).filter((x) => x.ruleId === 'try-ref-needed');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.fixes, undefined);
});
