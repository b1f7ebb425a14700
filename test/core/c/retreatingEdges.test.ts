import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Parser } from 'web-tree-sitter';
import { buildCfg } from '../../../src/core/c/cfg';
import { listFunctions } from '../../../src/core/c/functions';
import { parseC } from '../../../src/core/c/parse';
import { retreatingEdges } from '../../../src/core/c/retreatingEdges';
import { toSyntax } from '../../../src/core/c/syntax';
import { testParser } from '../../helpers/grammar';

let parser: Parser;
before(async () => {
  parser = await testParser();
});
after(() => parser.delete());

/** The loop-closing edges of `body`, as "from → to" in the text of their nodes. */
function loopEdges(body: string): string[] {
  const parsed = parseC(parser, `void f(int n, int x)\n{\n${body}\n}\n`);
  try {
    const fn = listFunctions(parsed.tree, parsed.text)[0]!;
    const cfg = buildCfg(toSyntax(fn.body, parsed.text), { isNoReturn: () => false });
    const isBack = retreatingEdges(cfg);
    const name = (id: number): string => `${cfg.nodes[id]!.kind}:${cfg.nodes[id]!.ast?.text.split('\n')[0] ?? cfg.nodes[id]!.note ?? ''}`;
    const out: string[] = [];
    for (const u of cfg.nodes) for (const v of u.succ) if (v >= 0 && isBack(u.id, v)) out.push(`${name(u.id)} → ${name(v)}`);
    return out.sort();
  } finally {
    parsed.tree.delete();
  }
}

test('each loop statement has one edge back to its head; straight code and forward gotos have none', () => {
  assert.deepEqual(loopEdges('\tint i;\n\tfor (i = 0; i < n; i++)\n\t\tx++;'), ['stmt:i++ → label:for']);
  assert.deepEqual(loopEdges('\twhile (n)\n\t\tn--;'), ['stmt:n-- → label:while']);
  assert.deepEqual(loopEdges('\tdo {\n\t\tn--;\n\t} while (n);'), ['cond:n → label:do']);
  assert.deepEqual(loopEdges('\tif (x)\n\t\tgoto out;\n\tn++;\nout:\n\treturn;'), []);
});

test('continue and a backward goto close their loops too', () => {
  assert.deepEqual(loopEdges('\twhile (n) {\n\t\tn--;\n\t\tif (x)\n\t\t\tcontinue;\n\t\tx++;\n\t}'), ['cond:x → label:while', 'stmt:x++ → label:while']);
  assert.deepEqual(loopEdges('again:\n\tn--;\n\tif (n)\n\t\tgoto again;'), ['stmt:goto → label:again']);
});
