import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import { analyseEach } from '../../helpers/analyse';
import { testParser } from '../../helpers/grammar';

/**
 * What a path carries round a loop's back edge: a flag variable's value does (it is how code
 * remembers it took a lock in an earlier iteration); a condition on memory does not (the body
 * drops and retakes the locks that guard it, and keeping it doubled the paths of dispatch loops).
 */
async function analyse(text: string): Promise<{ findings: string[]; visits: Map<string, number> }> {
  const parser = await testParser();
  try {
    const result = analyseEach(parser, { uri: 'loop.c', text }, builtinKnowledge());
    const visits = new Map([...result.analyses].map(([name, a]) => [name, a.visits]));
    return { findings: result.findings.map((f) => `${f.ruleId}:${f.range.start.line + 1}`), visits };
  } finally {
    parser.delete();
  }
}

/** A dispatch loop whose cases 0 and 2 test `flow->hits > A` and `> B` under the datapath lock. */
function dispatch(name: string, a: number, b: number): string {
  const cases = [0, 1, 2, 3].map((c) => {
    const test = c === 0 ? `flow->hits > ${a}` : c === 2 ? `flow->hits > ${b}` : '';
    return [
      `\t\tcase ${c}: {`,
      '\t\t\tspin_lock(&dp->lock);',
      ...(test ? [`\t\t\tif (${test}) {`, '\t\t\t\tspin_unlock(&dp->lock);', '\t\t\t\tgoto out;', '\t\t\t}'] : []),
      ...Array.from({ length: 20 }, (_, i) => `\t\t\tdp->stats[${i}] += flow->len;`),
      '\t\t\tspin_unlock(&dp->lock);',
      '\t\t\tbreak;',
      '\t\t}',
    ].join('\n');
  });
  return `int ${name}(struct dp *dp, struct flow *flow, const int *types, int n)\n{\n\tint k;\n\n\tfor (k = 0; k < n; k++) {\n\t\tswitch (types[k]) {\n${cases.join('\n')}\n\t\t}\n\t}\nout:\n\treturn 0;\n}\n`;
}

test('a condition on memory learned in one iteration does not double the paths of the next', async () => {
  // Same test in two cases: its outcome is a fact a later iteration could read; different tests: none is.
  const { findings, visits } = await analyse(`${dispatch('same_test', 44, 44)}\n${dispatch('other_tests', 44, 45)}`);
  assert.deepEqual(findings, []);
  const same = visits.get('same_test')!;
  const other = visits.get('other_tests')!;
  assert.ok(other > 0);
  assert.ok(same <= other * 1.1, `same test: ${same} path steps; different tests: ${other}`);
});

test('a flag variable is carried round the loop: the lock it remembers is not taken twice', async () => {
  const { findings } = await analyse([
    'void q_drain(struct q *q, int n)',
    '{',
    '\tint i, locked = 0;',
    '',
    '\tfor (i = 0; i < n; i++) {',
    '\t\tif (!locked) {',
    '\t\t\tspin_lock(&q->lock);',
    '\t\t\tlocked = 1;',
    '\t\t}',
    '\t\tq->len--;',
    '\t}',
    '\tif (locked)',
    '\t\tspin_unlock(&q->lock);',
    '}',
    '',
  ].join('\n'));
  assert.deepEqual(findings, []);
});
