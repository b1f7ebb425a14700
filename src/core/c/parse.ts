import type { Parser, Range, Tree } from 'web-tree-sitter';
import { blankAnnotations, type LockAnnotation } from './annotations';

export interface ParsedC {
  /** The text as tree-sitter saw it (annotations blanked, same length as the original). */
  text: string;
  tree: Tree;
  lockAnnotations: LockAnnotation[];
}

/** A span of the text as tree-sitter counts it (indexes in UTF-16 units, as `Node.startIndex`). */
export type TextSpan = Range;

/**
 * Parses C text after blanking annotations (same length, so spans stay valid). `ranges` limits
 * the parse to those spans (whole top-level items: each parses as it does in the full text).
 * The caller owns `tree` and must `delete()` it.
 */
export function parseC(parser: Parser, original: string, oldTree?: Tree | null, ranges?: readonly TextSpan[]): ParsedC {
  const { text, lockAnnotations } = blankAnnotations(original);
  const tree = ranges && ranges.length > 0 ? parser.parse(text, oldTree ?? null, { includedRanges: [...ranges] }) : parser.parse(text, oldTree ?? null);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return { text, tree, lockAnnotations };
}
