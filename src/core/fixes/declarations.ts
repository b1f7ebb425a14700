import type { Node, Tree } from 'web-tree-sitter';

/**
 * What the fixes need to know about names: the declared type of a variable or parameter in a function
 * (`struct vport *`, `POVS_FLOW`), and the fields of a struct defined in the file. Syntax only, no
 * preprocessor: when a declaration cannot be read the answer is undefined and no fix is offered.
 */

function* walk(root: Node): Generator<Node> {
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    yield n;
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
}

/** The identifier a declarator declares, and how many `*` lead to it. */
function declared(d: Node | null): { name: string; pointers: number } | undefined {
  let pointers = 0;
  while (d) {
    if (d.type === 'identifier') return { name: d.text, pointers };
    if (d.type === 'pointer_declarator') pointers++;
    d = d.childForFieldName('declarator');
  }
  return undefined;
}

/** `struct vport *` / `POVS_FLOW`: the declaration's type with the declarator's pointers, spacing normalised. */
export function declaredTypeOf(fn: Node, name: string): string | undefined {
  for (const n of walk(fn)) {
    if (n.type !== 'parameter_declaration' && n.type !== 'declaration') continue;
    const type = n.childForFieldName('type');
    if (!type) continue;
    const declarators = n.type === 'parameter_declaration'
      ? [n.childForFieldName('declarator')]
      : n.childrenForFieldName('declarator').map((d) => (d?.type === 'init_declarator' ? d.childForFieldName('declarator') : d));
    for (const d of declarators) {
      const found = declared(d ?? null);
      if (found?.name === name) return `${type.text.replace(/\s+/g, ' ')}${found.pointers ? ` ${'*'.repeat(found.pointers)}` : ''}`;
    }
  }
  return undefined;
}

/** The fields of `struct <tag> { … }` defined in the file: field name → its type text (`struct rcu_head`). */
export function structFields(tree: Tree, tag: string): Map<string, string> | undefined {
  for (const n of walk(tree.rootNode)) {
    if (n.type !== 'struct_specifier' || n.childForFieldName('name')?.text !== tag) continue;
    const body = n.childForFieldName('body');
    if (!body) continue;
    const fields = new Map<string, string>();
    for (const f of body.namedChildren) {
      if (f?.type !== 'field_declaration') continue;
      const type = f.childForFieldName('type')?.text.replace(/\s+/g, ' ');
      for (const d of f.childrenForFieldName('declarator')) {
        if (d?.type === 'field_identifier' && type) fields.set(d.text, type);
      }
    }
    return fields;
  }
  return undefined;
}

/** Every call_expression of the tree whose callee is one of `names`, in source order. */
export function callsNamed(tree: Tree, names: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  for (const n of walk(tree.rootNode)) {
    if (n.type !== 'call_expression') continue;
    const fn = n.childForFieldName('function');
    if (fn?.type === 'identifier' && names.has(fn.text)) out.push(n);
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}
