import type { Node, Tree } from 'web-tree-sitter';
import { rangeOf, type SourceRange } from '../source';
import { toSyntax } from './syntax';
import { walkTopLevel } from './topLevel';

export interface FunctionDef {
  name: string;
  range: SourceRange;
  /** Range of the declarator line, where editors put a CodeLens. */
  nameRange: SourceRange;
  /** The `compound_statement` node; valid only while its tree lives. */
  body: Node;
  /** The whole `function_definition` node; valid only while its tree lives. */
  node: Node;
  /** Parameter names, in order (empty names for unnamed or `void`). */
  params: string[];
  /** Declared `static`: internal linkage, so its identity includes its file. */
  isStatic: boolean;
}

/** What the declarator helpers read: a web-tree-sitter `Node` or its plain copy (syntax.ts). */
interface DeclNode<N> {
  type: string;
  text: string;
  childForFieldName(name: string): N | null;
  namedChildren: (N | null)[];
}

/** Finds the identifier a (possibly pointer / parenthesised) declarator declares. */
export function declaratorName<N extends DeclNode<N>>(decl: N | null): N | null {
  let d = decl;
  // Iterative: declarators nest (pointer → function → parenthesized → identifier).
  for (let guard = 0; d && guard < 64; guard++) {
    if (d.type === 'identifier' || d.type === 'field_identifier' || d.type === 'type_identifier') return d;
    const inner: N | null = d.childForFieldName('declarator');
    if (inner) {
      d = inner;
      continue;
    }
    const named = d.namedChildren.find((c) => c !== null && c.type.endsWith('declarator'));
    d = named ?? d.namedChildren.find((c) => c !== null && c.type === 'identifier') ?? null;
  }
  return null;
}

function functionDeclarator<N extends DeclNode<N>>(decl: N | null): N | null {
  let d = decl;
  for (let guard = 0; d && guard < 64; guard++) {
    if (d.type === 'function_declarator') return d;
    d = d.childForFieldName('declarator');
  }
  return null;
}

export function parameterNames<N extends DeclNode<N>>(fnDecl: N | null): string[] {
  const params = fnDecl?.childForFieldName('parameters');
  if (!params) return [];
  const names: string[] = [];
  for (const p of params.namedChildren) {
    if (!p || p.type !== 'parameter_declaration') continue;
    const id = declaratorName(p.childForFieldName('declarator'));
    names.push(id ? id.text : '');
  }
  return names;
}

/**
 * Lists function definitions anywhere they can stand (top level, inside `extern "C"` blocks,
 * preprocessor conditionals and ERROR recoveries), without entering declarations or bodies.
 */
export function listFunctions(tree: Tree, text: string): FunctionDef[] {
  const out: FunctionDef[] = [];
  const staticPrototypes = new Set<string>();
  walkTopLevel(tree, (cursor, type) => {
    if (type === 'declaration') {
      noteStaticPrototypes(cursor.currentNode, text, staticPrototypes);
      return 'descend';
    }
    if (type !== 'function_definition') return 'descend';
    const node = cursor.currentNode;
    const body = node.childForFieldName('body');
    const declarator = node.childForFieldName('declarator');
    // Name and parameters are read from a plain copy of the declarator: one walk, rather than a
    // round trip into wasm per question (this runs for every function of every file).
    const head = declarator ? toSyntax(declarator, text) : null;
    const id = declaratorName(head);
    if (body && id) {
      out.push({
        name: id.text,
        range: rangeOf(node),
        nameRange: rangeOf(id),
        body,
        node,
        params: parameterNames(functionDeclarator(head)),
        isStatic: declarator !== null && /\bstatic\b/.test(text.slice(node.startIndex, declarator.startIndex)),
      });
    }
    return 'skip'; // nested function definitions are not C
  });
  // `static int f(void);` then `int f(void) { … }`: the definition keeps the internal linkage
  // its first declaration gave it (C11 6.2.2p5), so it is this file's function, not the program's.
  for (const f of out) if (!f.isStatic && staticPrototypes.has(f.name)) f.isStatic = true;
  return out;
}

/** Names a top-level `static` declaration declares as functions (`static int a(void), b(int);`). */
function noteStaticPrototypes(decl: Node, text: string, into: Set<string>): void {
  const first = decl.childForFieldName('declarator');
  if (!first || !/\bstatic\b/.test(text.slice(decl.startIndex, first.startIndex))) return;
  for (const d of decl.childrenForFieldName('declarator')) {
    if (!d) continue;
    const head = toSyntax(d, text);
    const id = functionDeclarator(head) ? declaratorName(head) : null;
    if (id) into.add(id.text);
  }
}
