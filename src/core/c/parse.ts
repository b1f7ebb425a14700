import type { Parser, Range, Tree } from 'web-tree-sitter';
import { blankAnnotations, type LockAnnotation } from './annotations';
import { castMacrosAsCasts } from './castMacros';

export interface ParsedC {
  /** The text as tree-sitter saw it (annotations blanked, cast macros as casts; same length as the original). */
  text: string;
  tree: Tree;
  lockAnnotations: LockAnnotation[];
}

/** A span of the text as tree-sitter counts it (indexes in UTF-16 units, as `Node.startIndex`). */
export type TextSpan = Range;

/**
 * Parses C text after blanking annotations and spelling cast macros as casts (both keep the
 * length, so spans stay valid). `ranges` limits the parse to those spans (whole top-level items:
 * each parses as it does in the full text). The caller owns `tree` and must `delete()` it.
 */
export function parseC(parser: Parser, original: string, oldTree?: Tree | null, ranges?: readonly TextSpan[]): ParsedC {
  const blanked = blankAnnotations(original);
  const text = castMacrosAsCasts(blanked.text);
  const lockAnnotations = blanked.lockAnnotations;
  const tree = ranges && ranges.length > 0 ? parser.parse(text, oldTree ?? null, { includedRanges: [...ranges] }) : parser.parse(text, oldTree ?? null);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return { text, tree, lockAnnotations };
}
