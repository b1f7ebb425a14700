import type { Parser, Tree } from 'web-tree-sitter';
import { blankAnnotations, type LockAnnotation } from './annotations';

export interface ParsedC {
  /** The text as tree-sitter saw it (annotations blanked, same length as the original). */
  text: string;
  tree: Tree;
  lockAnnotations: LockAnnotation[];
}

/** Parses C text after blanking annotations. The caller owns `tree` and must `delete()` it. */
export function parseC(parser: Parser, original: string, oldTree?: Tree | null): ParsedC {
  const { text, lockAnnotations } = blankAnnotations(original);
  const tree = parser.parse(text, oldTree ?? null);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return { text, tree, lockAnnotations };
}
