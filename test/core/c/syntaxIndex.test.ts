import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { listFunctions } from '../../../src/core/c/functions';
import { parseC } from '../../../src/core/c/parse';
import { toSyntax, type IndexedType } from '../../../src/core/c/syntax';
import { repoRoot, testParser } from '../../helpers/grammar';

const TYPES: IndexedType[] = ['call_expression', 'declaration', 'assignment_expression', 'labeled_statement'];

/** The index the copy builds as it walks must list exactly what a walk under a node finds, in the same order. */
test('the descendants index, built while copying, equals a walk under any node of the copy', async () => {
  const parser = await testParser();
  try {
    const dir = path.join(repoRoot, 'test', 'fixtures');
    const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.c'));
    let functions = 0;
    let listed = 0;
    for (const f of files) {
      const parsed = parseC(parser, readFileSync(path.join(dir, f), 'utf8'));
      try {
        for (const fn of listFunctions(parsed.tree, parsed.text)) {
          const root = toSyntax(fn.node, parsed.text);
          const body = root.childForFieldName('body')!;
          // The root, the body, and every statement and expression statement inside it (nested ranges).
          const asked = [root, ...body.descendantsOfType(['compound_statement', 'if_statement', 'expression_statement', 'labeled_statement', 'call_expression'])];
          for (const node of asked) {
            for (const t of TYPES) {
              const walked = node.descendantsOfType(t);
              assert.deepEqual(node.indexedDescendants(t).map((n) => n.id), walked.map((n) => n.id), `${f}: ${fn.name}: ${node.type} at ${node.startIndex}: ${t}`);
              listed += walked.length;
            }
          }
          functions++;
        }
      } finally {
        parsed.tree.delete();
      }
    }
    assert.ok(functions > 60 && listed > 500, `${functions} functions, ${listed} nodes listed`);
  } finally {
    parser.delete();
  }
});
