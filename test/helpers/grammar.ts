import * as path from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { createCParser, type GrammarLocation } from '../../src/core/c/treeSitter';

const root = path.resolve(__dirname, '..', '..');

/** Tests load the wasm files straight from node_modules, so they never depend on a stale dist/. */
export const testGrammar: GrammarLocation = {
  runtimeDir: path.join(root, 'node_modules', 'web-tree-sitter'),
  grammarFile: path.join(root, 'node_modules', 'tree-sitter-c', 'tree-sitter-c.wasm'),
};

export const repoRoot = root;

export function testParser(): Promise<Parser> {
  return createCParser(testGrammar);
}
