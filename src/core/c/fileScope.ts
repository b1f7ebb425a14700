import type { Node, Tree } from 'web-tree-sitter';
import { walkTopLevel } from './topLevel';

/**
 * The file's own variables: names declared at file scope (not functions), and which of them are
 * `static`. A reference stored in a global is handed on; a `static` lock named `mutex` in one file
 * is not the `mutex` of another file.
 */
export interface FileScope {
  globals: Set<string>;
  statics: Set<string>;
  /** Declared type names of file-scope variables (`extern POVS_SWITCH_CONTEXT gOvsSwitchContext;` → `POVS_SWITCH_CONTEXT`). */
  types: Map<string, string>;
}

/** Declarator names of a declaration's text after its type: `*a, b[4], (*c)(int)` → a, b (c is a function pointer: kept). */
const NAME = /(?:^|,)\s*[*\s()]*(?:const\s+|volatile\s+)*([A-Za-z_]\w*)/g;

export function fileScope(tree: Tree, text: string): FileScope {
  const globals = new Set<string>();
  const statics = new Set<string>();
  const types = new Map<string, string>();
  walkTopLevel(tree, (cursor, type) => {
    if (type !== 'declaration') return 'descend';
    const node = cursor.currentNode;
    const declType = typeNameOf(node.childForFieldName('type'));
    const isStatic = /\bstatic\b/.test(text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 200)).split(/[=({;]/)[0] ?? '');
    for (const d of node.childrenForFieldName('declarator')) {
      if (!d) continue;
      // Prototypes declare functions, not variables.
      if (d.type === 'function_declarator' || (d.type === 'pointer_declarator' && d.descendantsOfType('function_declarator').length > 0 && !d.text.includes('(*'))) continue;
      const head = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
      if (!head) continue;
      NAME.lastIndex = 0;
      const m = NAME.exec(head.text);
      if (!m) continue;
      globals.add(m[1]!);
      if (isStatic) statics.add(m[1]!);
      if (declType) types.set(m[1]!, declType);
    }
    return 'skip';
  });
  return { globals, statics, types };
}

/** `struct foo` → `foo`, a typedef name as is; other type forms name nothing. */
function typeNameOf(t: Node | null): string | undefined {
  if (!t) return undefined;
  if (t.type === 'struct_specifier' || t.type === 'union_specifier') return t.childForFieldName('name')?.text;
  return t.type === 'type_identifier' ? t.text : undefined;
}
