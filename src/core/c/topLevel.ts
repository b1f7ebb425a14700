import type { Tree, TreeCursor } from 'web-tree-sitter';

/** Node types that hold top-level declarations: the file, preprocessor branches, `extern "C"` blocks, ERROR recoveries. */
export const TOP_LEVEL_CONTAINERS = new Set(['translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'linkage_specification', 'declaration_list', 'ERROR']);

/**
 * Visits the top-level items of a file with one cursor (no recursion): `visit` sees each node the
 * walk reaches and says whether to descend. The walk enters only containers, never declarations,
 * types or function bodies, so it costs little even on multi-megabyte files.
 */
export function walkTopLevel(tree: Tree, visit: (cursor: TreeCursor, type: string) => 'descend' | 'skip'): void {
  const cursor = tree.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      const descend = visit(cursor, type) === 'descend' && TOP_LEVEL_CONTAINERS.has(type);
      if (descend && cursor.gotoFirstChild()) continue;
      if (cursor.gotoNextSibling()) continue;
      let up = false;
      while (cursor.gotoParent()) {
        if (cursor.gotoNextSibling()) {
          up = true;
          break;
        }
      }
      if (!up) return;
    }
  } finally {
    cursor.delete();
  }
}
